import { describe, expect, it } from 'vitest';
import { checkFiles, only } from '../../test-helpers.js';
import { parseGoDuration as parseDuration } from '../../tekton/duration.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function check(text: string) {
  const f = checkFiles({ 'run.yaml': text });
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}
const pr = (timeouts: string) => `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  pipelineRef: {resolver: git}\n${timeouts}`;

describe('parseDuration', () => {
  it('parses Go durations', () => {
    expect([parseDuration('1h30m'), parseDuration('90s'), parseDuration('0'), parseDuration('1.5h'), parseDuration('-1m'), parseDuration('250ms')]).toEqual([5_400_000, 90_000, 0, 5_400_000, -60_000, 250]);
  });
  it('rejects what Go rejects', () => {
    expect([parseDuration('1 h'), parseDuration('10'), parseDuration('1d'), parseDuration(''), parseDuration('h')]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('run-timeouts', () => {
  it('reports tasks + finally over the pipeline timeout, at timeouts.tasks', () => {
    expect(only(check(pr('  timeouts: {pipeline: 1h, tasks: 45m, finally: 30m}\n')), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 7, column: 35 }]);
  });
  it('reports tasks over the default 60m pipeline timeout, a 0 tasks timeout, and a negative one', () => {
    expect(only(check(pr('  timeouts: {tasks: 2h}\n')), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 7, column: 21 }]);
    expect(only(check(pr('  timeouts: {pipeline: 2h, tasks: "0"}\n')), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 7, column: 35 }]);
    expect(only(check(pr('  timeouts: {pipeline: -5m}\n')), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 7, column: 24 }]);
  });
  it('reports a taskRunSpecs timeout over the pipeline one, and a TaskRun timeout that is not a duration', () => {
    expect(only(check(pr('  timeouts: {pipeline: 10m}\n  taskRunSpecs: [{pipelineTaskName: a, timeout: 20m}]\n')), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 8, column: 49 }]);
    const taskRun = 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: r\nspec:\n  taskRef: {resolver: git}\n  timeout: 1 day\n';
    expect(only(check(taskRun), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 7, column: 12 }]);
  });
  it('reports an invalid pipeline task timeout', () => {
    const p = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: a\n      timeout: 5 minutes\n      taskRef: {resolver: git}\n';
    expect(only(check(p), 'RUN_TIMEOUTS')).toEqual([{ code: 'RUN_TIMEOUTS', severity: 'error', line: 8, column: 16 }]);
  });
  it('accepts consistent timeouts and no timeout at all', () => {
    for (const t of ['  timeouts: {pipeline: 2h, tasks: 90m, finally: 30m}\n', '  timeouts: {pipeline: "0", tasks: "0"}\n', '', '  timeouts: {finally: 10m}\n']) {
      expect(only(check(pr(t)), 'RUN_TIMEOUTS')).toEqual([]);
    }
  });
});
