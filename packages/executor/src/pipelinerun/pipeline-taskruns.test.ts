import { describe, expect, it } from 'vitest';
import { taskRunNames } from './pipeline-taskruns.js';

describe('taskRunNames', () => {
  it('names matrix TaskRuns <pr>-<pt>-<i>, or <pr>-<pt> for a single combination', () => {
    expect(taskRunNames('pr', 'build', 3)).toEqual(['pr-build-0', 'pr-build-1', 'pr-build-2']);
    expect(taskRunNames('pr', 'build', 1)).toEqual(['pr-build']);
    expect(taskRunNames('pr', 'build', undefined)).toEqual(['pr-build']);
  });

  it('hashes names longer than 63 characters like kmeta.ChildName', () => {
    const [n] = taskRunNames('a'.repeat(60), 'task', undefined);
    expect(n).toHaveLength(63);
    expect(n?.endsWith('-task')).toBe(true);
  });
});
