import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function check(text: string) {
  const f = checkFiles({ 'test.yaml': text });
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}

describe('task rules over embedded taskSpecs', () => {
  it('apply to a Pipeline task, a PipelineRun pipelineSpec task and a TaskRun taskSpec', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        tasks:
          - name: a
            taskSpec:
              steps: [{name: s, script: "#!/bin/sh"}]
      ---
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        name: r
      spec:
        pipelineSpec:
          tasks:
            - name: a
              taskSpec:
                steps: [{name: s, script: "#!/bin/sh"}]
      ---
      apiVersion: tekton.dev/v1
      kind: TaskRun
      metadata:
        name: t
      spec:
        taskSpec:
          steps: [{name: s, script: "#!/bin/sh"}]
    `);
    expect(only(f, 'STEP_MISSING_IMAGE').map((x) => x.line)).toEqual([9, 20, 28]);
  });
  it('see pipeline params, the task params, run params and pipeline workspaces, and nothing else', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        name: r
      spec:
        params: [{name: fromRun, value: x}]
        pipelineSpec:
          params: [{name: fromPipeline}]
          workspaces: [{name: src}]
          tasks:
            - name: a
              params: [{name: fromTask, value: y}]
              taskSpec:
                steps:
                  - name: s
                    image: alpine:3.20
                    args: ["$(params.fromRun)", "$(params.fromPipeline)", "$(params.fromTask)", "$(workspaces.src.path)", "$(params.nope)"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 17, column: 118 }]);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([]);
  });
  it('are not applied to custom task specs', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        tasks:
          - name: a
            taskSpec: {apiVersion: example.dev/v1, kind: Wait, spec: {duration: 1s}}
    `);
    expect(only(f, 'TASK_MISSING_STEPS')).toEqual([]);
  });
});

describe('what a run and a pipeline task pass into embedded specs', () => {
  it('propagates the workspaces of a PipelineRun into its pipelineSpec and into embedded taskSpecs', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: r-
      spec:
        workspaces:
          - name: shared
            emptyDir: {}
        pipelineSpec:
          tasks:
            - name: a
              taskSpec:
                steps: [{name: s, image: alpine:3.20, script: "ls $(workspaces.shared.path)"}]
            - name: b
              workspaces: [{name: shared}]
              taskSpec:
                workspaces: [{name: shared}]
                steps: [{name: s, image: alpine:3.20, script: "ls $(workspaces.shared.path)"}]
    `);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
  });
  it('still reports a workspace that neither the run nor the spec has', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: r-
      spec:
        pipelineSpec:
          tasks:
            - name: a
              taskSpec:
                workspaces: [{name: w}]
                steps: [{name: s, image: alpine:3.20, script: "ls $(workspaces.other.path)"}]
    `);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([{ code: 'UNDEFINED_WORKSPACE_REFERENCE', severity: 'error', line: 11, column: 61 }]);
  });
  it('passes matrix params into an embedded taskSpec and into the displayName', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        tasks:
          - name: a
            displayName: "on $(params.platform) with $(params.browser)"
            matrix:
              params:
                - {name: platform, value: [linux, mac]}
              include:
                - name: extra
                  params: [{name: browser, value: chrome}]
            taskSpec:
              steps: [{name: s, image: alpine:3.20, script: "echo $(params.platform) $(params.browser)"}]
    `);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
  });
  it('still reports an undeclared param in a displayName', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        tasks:
          - name: a
            displayName: "on $(params.nope)"
            taskSpec:
              steps: [{name: s, image: alpine:3.20, script: "true"}]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 8, column: 24 }]);
  });
});

describe('resolution', () => {
  const task = (v: string, params: string) => `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\n  labels: {app.kubernetes.io/version: "${v}"}\nspec:\n  params: ${params}\n  steps: [{name: s, image: alpine:3.20, script: "true"}]\n`;
  const files = { 'task/t/0.1/t.yaml': task('0.1', '[{name: x}]'), 'task/t/0.2/t.yaml': task('0.2', '[]') };
  const pipeline = (version: string) =>
    `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: a\n      taskRef:\n        resolver: hub\n        params:\n          - {name: name, value: t}\n          - {name: version, value: "${version}"}\n`;
  it('checks a hub ref against the catalog version it names, when the repository holds it', () => {
    const f = checkFiles({ ...files, 'p.yaml': pipeline('0.1') });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([{ code: 'MISSING_REQUIRED_PARAM', severity: 'error', line: 7, column: 7 }]);
    expect(only(checkFiles({ ...files, 'p.yaml': pipeline('0.2') }), 'MISSING_REQUIRED_PARAM')).toEqual([]);
  });
  it('resolves a run to the Pipeline next to it before a same-named one elsewhere', () => {
    const p = (param: string) => `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  params: ${param}\n  tasks:\n    - name: a\n      taskSpec:\n        steps: [{name: s, image: alpine:3.20, script: "true"}]\n`;
    const run = 'apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  pipelineRef:\n    name: p\n';
    const f = checkFiles({ 'a/pipeline.yaml': p('[{name: needed}]'), 'b/pipeline.yaml': p('[]'), 'b/run.yaml': run });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([]);
  });
});

describe('references Tekton accepts in when and matrix', () => {
  it('accepts context and result refs in when, and whole array results feeding matrix params', () => {
    const f = check(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        params: [{name: mode, default: x}]
        tasks:
          - name: a
            taskSpec:
              results: [{name: arr, type: array}, {name: s}]
              steps: [{name: s, image: alpine:3.20, script: "true"}]
          - name: b
            when:
              - input: "$(context.pipelineRun.name)"
                operator: notin
                values: ["$(tasks.a.results.s)", "$(params.mode)"]
              - input: "$(tasks.a.results.s)"
                operator: in
                values: ["$(tasks.a.results.arr[*])"]
              - cel: "'$(context.pipelineRun.namespace)' != ''"
            matrix:
              params:
                - name: v
                  value: "$(tasks.a.results.arr[*])"
            taskSpec:
              params: [{name: v}]
              steps: [{name: s, image: alpine:3.20, script: "echo $(params.v)"}]
          - name: c
            matrix:
              params:
                - name: v
                  value: $(tasks.a.results.arr)
            taskSpec:
              params: [{name: v}]
              steps: [{name: s, image: alpine:3.20, args: ["$(params.v)"]}]
    `);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
