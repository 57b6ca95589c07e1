import { describe, expect, it } from 'vitest';
import { decideRetry, WHEN_SKIPPED } from './retry.js';

const tasks = [
  { name: 'clone', state: 'succeeded' },
  { name: 'lint', state: 'succeeded' },
  { name: 'build', state: 'failed' },
  { name: 'docs', state: 'skipped', skipReason: WHEN_SKIPPED },
  { name: 'test', state: 'skipped', skipReason: 'PipelineRun was stopping' },
  { name: 'publish', state: 'not-run' },
  { name: 'report', state: 'succeeded', finally: true },
];

describe('decideRetry', () => {
  it('reruns failed tasks, those stopped by the failure and the finally tasks; reuses succeeded and when-skipped ones', () => {
    expect(decideRetry(tasks)).toEqual({ rerun: ['build', 'test', 'publish', 'report'], reuse: ['clone', 'lint', 'docs'] });
  });

  it('reruns, with the dependencies known, what depends on a rerun task even if it succeeded (onError: continue upstream)', () => {
    const t = [
      { name: 'a', state: 'succeeded' },
      { name: 'flaky', state: 'failed' },
      { name: 'after', state: 'succeeded' },
      { name: 'later', state: 'succeeded' },
      { name: 'when', state: 'skipped', skipReason: WHEN_SKIPPED },
    ];
    const parents = new Map([
      ['after', ['flaky']],
      ['later', ['after', 'a']],
      ['when', ['later']],
    ]);
    expect(decideRetry(t, parents)).toEqual({ rerun: ['flaky', 'after', 'later', 'when'], reuse: ['a'] });
  });

  it('reuses everything but the finally tasks of a run that succeeded', () => {
    expect(decideRetry([{ name: 'a', state: 'succeeded' }, { name: 'f', state: 'succeeded', finally: true }])).toEqual({ rerun: ['f'], reuse: ['a'] });
  });
});
