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
const taskFile = (name: string, results: string[]) =>
  `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: ${name}\nspec:\n  results: [${results.map((r) => `{name: ${r}}`).join(', ')}]\n  steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]\n`;

describe('result-ref-unknown-task', () => {
  it('reports a result of a task that does not exist, at the reference', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params: [{name: x, value: "$(tasks.a.results.r) $(tasks.nope.results.r)"}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'RESULT_REF_UNKNOWN_TASK')).toEqual([{ code: 'RESULT_REF_UNKNOWN_TASK', severity: 'error', line: 8, column: 55 }]);
  });
  it('reports a DAG task using a finally task result', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params: [{name: x, value: $(tasks.f.results.r)}]
            taskSpec: ${spec}
        finally:
          - name: f
            taskSpec: ${spec}
    `);
    expect(only(f, 'RESULT_REF_UNKNOWN_TASK')).toEqual([{ code: 'RESULT_REF_UNKNOWN_TASK', severity: 'error', line: 8, column: 33 }]);
  });
  it('accepts a reference to an existing task', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskSpec: ${spec}
          - name: b
            params: [{name: x, value: $(tasks.a.results.r)}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'RESULT_REF_UNKNOWN_TASK')).toEqual([]);
  });
});

describe('undefined-task-result', () => {
  const pipeline = (ref: string) => head + yaml`
    spec:
      tasks:
        - name: a
          taskRef: {name: build}
        - name: b
          params: [{name: x, value: ${ref}}]
          taskSpec: ${spec}
  `;
  it('reports a result the referenced Task (in another file) does not declare', () => {
    const f = checkAll({ 'tasks/build.yaml': taskFile('build', ['digest']), 'p.yaml': pipeline('$(tasks.a.results.sha)') });
    expect(only(f, 'UNDEFINED_TASK_RESULT')).toEqual([{ code: 'UNDEFINED_TASK_RESULT', severity: 'error', line: 10, column: 33 }]);
  });
  it('accepts a declared result of the referenced Task', () => {
    const f = checkAll({ 'tasks/build.yaml': taskFile('build', ['digest']), 'p.yaml': pipeline('$(tasks.a.results.digest)') });
    expect(only(f, 'UNDEFINED_TASK_RESULT')).toEqual([]);
  });
  it('uses the newest catalog version for a pipeline outside the catalog', () => {
    const files = { 'tasks/build/0.1/build.yaml': taskFile('build', ['old']), 'tasks/build/0.2/build.yaml': taskFile('build', ['digest']) };
    expect(only(checkAll({ ...files, 'p.yaml': pipeline('$(tasks.a.results.digest)') }), 'UNDEFINED_TASK_RESULT')).toEqual([]);
    expect(only(checkAll({ ...files, 'p.yaml': pipeline('$(tasks.a.results.old)') }), 'UNDEFINED_TASK_RESULT')).toEqual([{ code: 'UNDEFINED_TASK_RESULT', severity: 'error', line: 10, column: 33 }]);
  });
  it('uses the Task of its own catalog version directory', () => {
    const files = { 'tasks/build/0.1/build.yaml': taskFile('build', ['old']), 'tasks/build/0.2/build.yaml': taskFile('build', ['digest']) };
    const f = checkAll({ ...files, 'tasks/build/0.1/tests/p.yaml': pipeline('$(tasks.a.results.old)') });
    expect(only(f, 'UNDEFINED_TASK_RESULT')).toEqual([]);
  });
  it('reports an undeclared result of an inline taskSpec and in pipeline results', () => {
    const f = check(head + yaml`
      spec:
        results:
          - name: out
            value: $(tasks.a.results.nope)
        tasks:
          - name: a
            taskSpec: ${spec}
    `);
    expect(only(f, 'UNDEFINED_TASK_RESULT')).toEqual([{ code: 'UNDEFINED_TASK_RESULT', severity: 'error', line: 8, column: 14 }]);
  });
});

describe('pipeline-result-invalid', () => {
  it('reports a value without result expressions and a nonexistent task', () => {
    const f = check(head + yaml`
      spec:
        params: [{name: x}]
        results:
          - name: a
            value: $(params.x)
          - name: b
            value: $(tasks.ghost.results.r)
          - name: c
            value: $(tasks.f.results.r)
        tasks:
          - name: t
            taskSpec: ${spec}
        finally:
          - name: f
            taskSpec: ${spec}
    `);
    expect(only(f, 'PIPELINE_RESULT_INVALID')).toEqual([
      { code: 'PIPELINE_RESULT_INVALID', severity: 'error', line: 9, column: 14 },
      { code: 'PIPELINE_RESULT_INVALID', severity: 'error', line: 11, column: 14 },
      { code: 'PIPELINE_RESULT_INVALID', severity: 'error', line: 13, column: 14 },
    ]);
  });
  it('accepts task and finally results, mixed with text', () => {
    const f = check(head + yaml`
      spec:
        results:
          - name: a
            value: "$(tasks.t.results.r)-$(finally.f.results.r)"
        tasks:
          - name: t
            taskSpec: ${spec}
        finally:
          - name: f
            taskSpec: ${spec}
    `);
    expect(only(f, 'PIPELINE_RESULT_INVALID')).toEqual([]);
  });
});

describe('finally results', () => {
  const pipe = (consumer: string) => head + yaml`
    spec:
      tasks:
        - name: a
          when: [{input: "$(params.go)", operator: in, values: ["yes"]}]
          taskSpec: ${spec}
        - name: b
          params: [{name: x, value: $(tasks.a.results.r)}]
          taskSpec: ${spec}
        - name: c
          runAfter: [a]
          taskSpec: ${spec}
      params: [{name: go}]
      finally:
        - name: f
          taskSpec: ${spec}
        - name: g
          params: [{name: x, value: ${consumer}}]
          taskSpec: ${spec}
  `;
  it('reports a finally task using another finally task result', () => {
    expect(only(check(pipe('$(tasks.f.results.r)')), 'FINALLY_RESULT_FROM_FINALLY')).toEqual([{ code: 'FINALLY_RESULT_FROM_FINALLY', severity: 'error', line: 21, column: 33 }]);
  });
  it('warns when a finally task uses a result of a when-guarded task or of its consumers', () => {
    expect(only(check(pipe('$(tasks.a.results.r)')), 'FINALLY_USES_SKIPPABLE_RESULT')).toEqual([{ code: 'FINALLY_USES_SKIPPABLE_RESULT', severity: 'warning', line: 21, column: 33 }]);
    expect(only(check(pipe('$(tasks.b.results.r)')), 'FINALLY_USES_SKIPPABLE_RESULT')).toEqual([{ code: 'FINALLY_USES_SKIPPABLE_RESULT', severity: 'warning', line: 21, column: 33 }]);
  });
  it('accepts a result of a runAfter child of a guarded task (it still runs)', () => {
    const f = check(pipe('$(tasks.c.results.r)'));
    expect(only(f, 'FINALLY_USES_SKIPPABLE_RESULT')).toEqual([]);
    expect(only(f, 'FINALLY_RESULT_FROM_FINALLY')).toEqual([]);
  });
});

describe('matrix-result-usage / child-pipeline-result-ref', () => {
  const pipe = (ref: string, producer = 'matrix: {params: [{name: os, value: [linux, mac]}]}') => head + yaml`
    spec:
      tasks:
        - name: m
          ${producer}
          taskSpec: {params: [{name: os}], results: [{name: r}, {name: arr, type: array}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh"}]}
        - name: c
          params: [{name: x, value: "${ref}"}]
          taskSpec: ${spec}
  `;
  it('reports a matrixed result consumed without [*], and a non-string one', () => {
    expect(only(check(pipe('$(tasks.m.results.r)')), 'MATRIX_RESULT_USAGE')).toEqual([{ code: 'MATRIX_RESULT_USAGE', severity: 'error', line: 11, column: 34 }]);
    expect(only(check(pipe('$(tasks.m.results.arr[*])')), 'MATRIX_RESULT_USAGE')).toEqual([{ code: 'MATRIX_RESULT_USAGE', severity: 'error', line: 11, column: 34 }]);
  });
  it('accepts [*] on a string result', () => {
    const f = check(pipe('$(tasks.m.results.r[*])'));
    expect(only(f, 'YAML_SYNTAX')).toEqual([]);
    expect(only(f, 'MATRIX_RESULT_USAGE')).toEqual([]);
  });
  it('reports a result reference to a pipelineRef task', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: m
            pipelineRef: {name: child}
          - name: c
            params: [{name: x, value: $(tasks.m.results.r)}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'CHILD_PIPELINE_RESULT_REF')).toEqual([{ code: 'CHILD_PIPELINE_RESULT_REF', severity: 'error', line: 10, column: 33 }]);
    expect(only(check(pipe('$(tasks.m.results.r[*])')), 'CHILD_PIPELINE_RESULT_REF')).toEqual([]);
  });
});

describe('nested pipelineSpec', () => {
  it('checks result references of a child pipelineSpec against its own tasks', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: outer
            pipelineSpec:
              tasks:
                - name: inner
                  taskSpec: ${spec}
                - name: user
                  params: [{name: x, value: "$(tasks.inner.results.r) $(tasks.outer.results.r)"}]
                  taskSpec: ${spec}
    `);
    expect(only(f, 'RESULT_REF_UNKNOWN_TASK')).toEqual([{ code: 'RESULT_REF_UNKNOWN_TASK', severity: 'error', line: 13, column: 65 }]);
    expect(only(f, 'PIPELINE_TASK_CYCLE')).toEqual([]);
  });
});

describe('execution-status-misuse', () => {
  it('reports status in a DAG task, an unknown task in finally, and status inside a finally taskSpec', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params: [{name: s, value: $(tasks.status)}]
            taskSpec: ${spec}
        finally:
          - name: f
            params: [{name: s, value: $(tasks.zz.status)}]
            when: [{input: $(tasks.a.reason), operator: in, values: [x]}]
            taskSpec:
              steps: [{name: s, image: alpine:3.20, script: "echo $(tasks.a.status)"}]
    `);
    expect(only(f, 'EXECUTION_STATUS_MISUSE')).toEqual([
      { code: 'EXECUTION_STATUS_MISUSE', severity: 'error', line: 8, column: 33 },
      { code: 'EXECUTION_STATUS_MISUSE', severity: 'error', line: 12, column: 33 },
      { code: 'EXECUTION_STATUS_MISUSE', severity: 'error', line: 15, column: 61 },
    ]);
  });
  it('accepts task and aggregate status in finally params and when', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskSpec: ${spec}
        finally:
          - name: f
            params: [{name: s, value: "$(tasks.a.status) $(tasks.status)"}]
            when: [{input: $(tasks.a.reason), operator: notin, values: [Failed]}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'EXECUTION_STATUS_MISUSE')).toEqual([]);
  });
});
