import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function checkAll(files: Record<string, string>) {
  const f = checkFiles(files);
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}
const check = (text: string) => checkAll({ 'test.yaml': text });

const head = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\n';
const spec = '{results: [{name: r}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}';

describe('run-after-unknown-task', () => {
  it('reports a runAfter entry naming no DAG task', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskSpec: ${spec}
          - name: b
            runAfter: [a, c]
            taskSpec: ${spec}
    `);
    expect(only(f, 'RUN_AFTER_UNKNOWN_TASK')).toEqual([{ code: 'RUN_AFTER_UNKNOWN_TASK', severity: 'error', line: 10, column: 21 }]);
  });
  it('reports runAfter naming a finally task', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            runAfter:
              - f
            taskSpec: ${spec}
        finally:
          - name: f
            taskSpec: ${spec}
    `);
    expect(only(f, 'RUN_AFTER_UNKNOWN_TASK')).toEqual([{ code: 'RUN_AFTER_UNKNOWN_TASK', severity: 'error', line: 9, column: 11 }]);
  });
  it('accepts runAfter on existing tasks', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskSpec: ${spec}
          - name: b
            runAfter: [a]
            taskSpec: ${spec}
    `);
    expect(only(f, 'RUN_AFTER_UNKNOWN_TASK')).toEqual([]);
  });
});

describe('pipeline-task-cycle', () => {
  it('reports a runAfter cycle once, at the smallest task', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: b
            runAfter: [a]
            taskSpec: ${spec}
          - name: a
            runAfter: [b]
            taskSpec: ${spec}
          - name: c
            runAfter: [a]
            taskSpec: ${spec}
    `);
    expect(only(f, 'PIPELINE_TASK_CYCLE')).toEqual([{ code: 'PIPELINE_TASK_CYCLE', severity: 'error', line: 11, column: 18 }]);
  });
  it('finds cycles through result references in params, when, matrix and inline steps', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params:
              - name: x
                value: "v=$(tasks.c.results.r)"
            taskSpec: ${spec}
          - name: b
            when:
              - input: $(tasks.a.results.r)
                operator: in
                values: ["y"]
            taskSpec: ${spec}
          - name: c
            taskSpec:
              results: [{name: r}]
              steps:
                - name: s
                  image: alpine:3.20
                  script: echo $(tasks.b.results.r)
    `);
    expect(only(f, 'PIPELINE_TASK_CYCLE')).toEqual([{ code: 'PIPELINE_TASK_CYCLE', severity: 'error', line: 10, column: 21 }]);
  });
  it('reports a task that depends on itself', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            matrix:
              params:
                - name: x
                  value: [$(tasks.a.results.r)]
            taskSpec: ${spec}
    `);
    expect(only(f, 'PIPELINE_TASK_CYCLE')).toEqual([{ code: 'PIPELINE_TASK_CYCLE', severity: 'error', line: 11, column: 21 }]);
  });
  it('accepts a diamond', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskSpec: ${spec}
          - name: b
            params: [{name: x, value: $(tasks.a.results.r)}]
            taskSpec: ${spec}
          - name: c
            runAfter: [a]
            taskSpec: ${spec}
          - name: d
            runAfter: [b, c]
            taskSpec: ${spec}
    `);
    expect(only(f, 'PIPELINE_TASK_CYCLE')).toEqual([]);
  });
});
