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
const task = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]\n';

describe('pipeline-empty / finally-without-tasks / finally-run-after', () => {
  it('reports a pipeline without tasks at spec', () => {
    const f = check(`${head}spec:\n  params: []\n`);
    expect(only(f, 'PIPELINE_EMPTY')).toEqual([{ code: 'PIPELINE_EMPTY', severity: 'error', line: 5, column: 1 }]);
  });
  it('reports an empty task list at tasks', () => {
    const f = check(`${head}spec:\n  tasks: []\n`);
    expect(only(f, 'PIPELINE_EMPTY')).toEqual([{ code: 'PIPELINE_EMPTY', severity: 'error', line: 6, column: 3 }]);
  });
  it('reports finally without tasks, and runAfter under finally', () => {
    const f = check(head + yaml`
      spec:
        finally:
          - name: f
            runAfter: [x]
            taskRef: {name: build}
    `);
    expect(only(f, 'PIPELINE_EMPTY')).toEqual([]);
    expect(only(f, 'FINALLY_WITHOUT_TASKS')).toEqual([{ code: 'FINALLY_WITHOUT_TASKS', severity: 'error', line: 6, column: 3 }]);
    expect(only(f, 'FINALLY_RUN_AFTER')).toEqual([{ code: 'FINALLY_RUN_AFTER', severity: 'error', line: 8, column: 7 }]);
  });
  it('accepts tasks with finally (no runAfter)', () => {
    const f = checkAll({
      'task.yaml': task,
      'p.yaml': `${head}spec:\n  tasks:\n    - name: a\n      taskRef: {name: build}\n  finally:\n    - name: f\n      taskRef: {name: build}\n`,
    });
    expect(f.filter((x) => x.file === 'p.yaml')).toEqual([]);
  });
});

describe('pipeline-task names', () => {
  it('reports a duplicate name across tasks and finally', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskSpec: {steps: []}\n  finally:\n    - name: a\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_DUPLICATE_NAME')).toEqual([{ code: 'PIPELINE_TASK_DUPLICATE_NAME', severity: 'error', line: 10, column: 13 }]);
  });
  it('reports a name that is not a DNS label', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: Build_It\n      taskSpec: {steps: []}\n    - name: ok-1\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_INVALID_NAME')).toEqual([{ code: 'PIPELINE_TASK_INVALID_NAME', severity: 'error', line: 7, column: 13 }]);
    expect(only(f, 'PIPELINE_TASK_DUPLICATE_NAME')).toEqual([]);
  });
  it('reports a missing name at the task', () => {
    const f = check(`${head}spec:\n  tasks:\n    - taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_INVALID_NAME')).toEqual([{ code: 'PIPELINE_TASK_INVALID_NAME', severity: 'error', line: 7, column: 7 }]);
  });
});

describe('pipeline-task-ref-or-spec', () => {
  it('reports neither taskRef nor taskSpec at the name key', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n`);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([{ code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 7, column: 7 }]);
  });
  it('reports both at the second key', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskRef: {name: x}\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([{ code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 9, column: 7 }]);
  });
  it('reports name together with resolver, and a custom task without apiVersion', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskRef: {name: x, resolver: git}\n    - name: b\n      taskRef: {name: w, kind: Wait}\n`);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([
      { code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 8, column: 26 },
      { code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 10, column: 26 },
    ]);
  });
  it('reports an invalid ref name and a custom spec mixed with steps', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskRef: {name: "bad name"}\n    - name: b\n      taskSpec: {apiVersion: example.dev/v1, kind: Wait, steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([
      { code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 8, column: 23 },
      { code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 10, column: 46 },
    ]);
  });
  it('reports resolver params without a resolver', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskRef:\n        name: build\n        params: [{name: url, value: u}]\n`);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([{ code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 10, column: 9 }]);
  });
  it('accepts a custom task, a resolver ref and a custom task spec', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskRef: {apiVersion: example.dev/v1, kind: Wait, name: w}
          - name: b
            taskRef: {resolver: hub}
          - name: c
            taskSpec: {apiVersion: example.dev/v1, kind: Wait, spec: {}}
    `);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([]);
    expect(only(f, 'UNRESOLVED_TASK_REF')).toEqual([]);
  });
});

describe('pipeline-task-on-error', () => {
  it('reports an unknown onError and continue with retries', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      onError: ignore\n      taskSpec: {steps: []}\n    - name: b\n      onError: continue\n      retries: 2\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_ON_ERROR')).toEqual([
      { code: 'PIPELINE_TASK_ON_ERROR', severity: 'error', line: 8, column: 16 },
      { code: 'PIPELINE_TASK_ON_ERROR', severity: 'error', line: 11, column: 16 },
    ]);
  });
  it('accepts continue without retries and a param reference', () => {
    const f = check(`${head}spec:\n  params: [{name: e}]\n  tasks:\n    - name: a\n      onError: continue\n      taskSpec: {steps: []}\n    - name: b\n      onError: $(params.e)\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_ON_ERROR')).toEqual([]);
  });
});

describe('unresolved-task-ref', () => {
  it('warns about a taskRef that is in no file', () => {
    const f = checkAll({ 'task.yaml': task, 'p.yaml': `${head}spec:\n  tasks:\n    - name: a\n      taskRef: {name: biuld}\n    - name: b\n      taskRef:\n        name: build\n` });
    expect(only(f, 'UNRESOLVED_TASK_REF')).toEqual([{ code: 'UNRESOLVED_TASK_REF', severity: 'warning', line: 8, column: 23 }]);
  });
  it('skips bundles, resolvers, custom tasks, ClusterTasks and param-built names', () => {
    const f = check(head + yaml`
      spec:
        params: [{name: t}]
        tasks:
          - name: a
            taskRef: {name: x, bundle: "reg.io/b:1"}
          - name: b
            taskRef: {name: $(params.t)}
          - name: c
            taskRef: {apiVersion: example.dev/v1, kind: Wait, name: x}
          - name: d
            taskRef: {kind: ClusterTask, name: installed-on-cluster}
    `);
    expect(only(f, 'UNRESOLVED_TASK_REF')).toEqual([]);
  });
  it('refuses fields a ref does not have, as Tekton strict decoding does (konflux build-definitions taskRef.version; bundle outside v1beta1)', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskRef: {name: init, version: "0.4"}
          - name: b
            taskRef: {name: x, bundle: "reg.io/b:1"}
          - name: c
            taskRef: {name: init, kind: Task}
    `);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC').map((x) => ({ line: x.line, column: x.column }))).toEqual([
      { line: 8, column: 29 },
      { line: 10, column: 26 },
    ]);
    const beta = check(head.replace('v1', 'v1beta1') + yaml`
      spec:
        tasks:
          - name: b
            taskRef: {name: x, bundle: "reg.io/b:1"}
    `);
    expect(only(beta, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([]);
  });
  it('refuses, as Tekton v1 does, a taskRef kind other than Task without apiVersion (ClusterTask, task: tektoncd/catalog rhacs samples)', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            taskRef: {kind: ClusterTask, name: git-clone}
          - name: b
            taskRef: {kind: Task, name: git-clone}
          - name: c
            taskRef: {name: git-clone}
    `);
    expect(only(f, 'PIPELINE_TASK_REF_OR_SPEC')).toEqual([{ code: 'PIPELINE_TASK_REF_OR_SPEC', severity: 'error', line: 8, column: 17 }]);
  });
});

describe('duplicate-workspace-declaration / pipeline-task-unknown-workspace', () => {
  it('reports a duplicate pipeline workspace and a binding to an undeclared one', () => {
    const f = check(head + yaml`
      spec:
        workspaces:
          - name: src
          - name: src
        tasks:
          - name: a
            workspaces:
              - name: source
                workspace: src
              - name: cache
                workspace: cahce
              - name: cache
                workspace: src
            taskSpec: {steps: []}
    `);
    expect(only(f, 'DUPLICATE_WORKSPACE_DECLARATION')).toEqual([{ code: 'DUPLICATE_WORKSPACE_DECLARATION', severity: 'error', line: 8, column: 13 }]);
    expect(only(f, 'PIPELINE_TASK_UNKNOWN_WORKSPACE')).toEqual([
      { code: 'PIPELINE_TASK_UNKNOWN_WORKSPACE', severity: 'error', line: 15, column: 22 },
      { code: 'PIPELINE_TASK_UNKNOWN_WORKSPACE', severity: 'error', line: 16, column: 17 },
    ]);
  });
  it('accepts a binding whose name is the pipeline workspace', () => {
    const f = check(`${head}spec:\n  workspaces: [{name: src}]\n  tasks:\n    - name: a\n      workspaces: [{name: src}]\n      taskSpec: {steps: []}\n`);
    expect(only(f, 'PIPELINE_TASK_UNKNOWN_WORKSPACE')).toEqual([]);
    expect(only(f, 'DUPLICATE_WORKSPACE_DECLARATION')).toEqual([]);
  });
});

describe('feature-flag-required (pipeline level)', () => {
  it('reports pipelines in pipelines, concise resolver syntax and resolver params', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            pipelineRef: {name: child}
          - name: b
            taskRef: {name: "git://github.com/o/r/t.yaml"}
          - name: c
            taskRef:
              resolver: git
              params: [{name: url, value: u}]
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 8, column: 7 },
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 10, column: 23 },
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 14, column: 9 },
    ]);
  });
  it('accepts a plain taskRef and a resolver without params', () => {
    const f = check(`${head}spec:\n  tasks:\n    - name: a\n      taskRef: {resolver: cluster}\n`);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on odd shapes', () => {
    for (const spec of ['spec: 3', 'spec: {tasks: 3, finally: x}', 'spec: {tasks: [1, null, [], {name: 3, runAfter: 4, when: 5, matrix: 6, params: 7, workspaces: 8}]}', 'spec: {tasks: [{name: a, taskRef: 1, when: [1, {}], matrix: {params: 1, include: [1]}}], results: [1, {value: 2}]}']) {
      const f = check(`${head}${spec}\n`);
      expect(only(f, 'INTERNAL_ERROR')).toEqual([]);
    }
  });
});
