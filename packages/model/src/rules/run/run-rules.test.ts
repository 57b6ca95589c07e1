import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks files that must parse: a syntax error would make a negative test pass for nothing. */
function checkAll(files: Record<string, string>) {
  const f = checkFiles(files);
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}
const check = (text: string) => checkAll({ 'run.yaml': text });

const pipeline = yaml`
  apiVersion: tekton.dev/v1
  kind: Pipeline
  metadata:
    name: release
  spec:
    params:
      - {name: version}
      - {name: channel, default: stable, enum: [stable, beta]}
    workspaces: [{name: src}, {name: cache, optional: true}]
    tasks:
      - name: a
        workspaces: [{name: src}]
        taskSpec: {workspaces: [{name: src}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}
`;
const task = yaml`
  apiVersion: tekton.dev/v1
  kind: Task
  metadata:
    name: build
  spec:
    params: [{name: url}, {name: flags, type: array, default: []}]
    workspaces: [{name: source}]
    steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]
`;
const pr = (spec: string) => `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n${spec}`;
const tr = (spec: string) => `apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: r\nspec:\n${spec}`;
const withPipeline = (spec: string) => checkAll({ 'pipeline.yaml': pipeline, 'run.yaml': pr(spec) });
const withTask = (spec: string) => checkAll({ 'task.yaml': task, 'run.yaml': tr(spec) });
const okPr = '  pipelineRef: {name: release}\n  params: [{name: version, value: "1.0"}]\n  workspaces: [{name: src, emptyDir: {}}]\n';
const okTr = '  taskRef: {name: build}\n  params: [{name: url, value: u}]\n  workspaces: [{name: source, emptyDir: {}}]\n';

describe('run-ref-or-spec', () => {
  it('reports both ref and spec, and neither', () => {
    expect(only(check(pr('  pipelineRef: {name: x}\n  pipelineSpec: {tasks: []}\n')), 'RUN_REF_OR_SPEC')).toEqual([{ code: 'RUN_REF_OR_SPEC', severity: 'error', line: 7, column: 3 }]);
    expect(only(check(tr('  timeout: 1h\n')), 'RUN_REF_OR_SPEC')).toEqual([{ code: 'RUN_REF_OR_SPEC', severity: 'error', line: 5, column: 1 }]);
  });
  it('reports resolver params without a resolver', () => {
    expect(only(check(tr('  taskRef:\n    name: build\n    params: [{name: url, value: u}]\n')), 'RUN_REF_OR_SPEC')).toEqual([{ code: 'RUN_REF_OR_SPEC', severity: 'error', line: 8, column: 5 }]);
  });
  it('accepts exactly one', () => {
    expect(only(withPipeline(okPr), 'RUN_REF_OR_SPEC')).toEqual([]);
    expect(only(withTask(okTr), 'RUN_REF_OR_SPEC')).toEqual([]);
    expect(withPipeline(okPr).filter((f) => f.file === 'run.yaml')).toEqual([]);
    expect(withTask(okTr).filter((f) => f.file === 'run.yaml')).toEqual([]);
  });
});

describe('unresolved-task-ref (runs)', () => {
  it('warns about a pipelineRef and a taskRef not in the repository', () => {
    expect(only(check(pr('  pipelineRef: {name: nope}\n')), 'UNRESOLVED_TASK_REF')).toEqual([{ code: 'UNRESOLVED_TASK_REF', severity: 'warning', line: 6, column: 23 }]);
    expect(only(check(tr('  taskRef: {name: nope}\n')), 'UNRESOLVED_TASK_REF')).toEqual([{ code: 'UNRESOLVED_TASK_REF', severity: 'warning', line: 6, column: 19 }]);
  });
  it('skips resolver refs and accepts a lower-case task kind', () => {
    expect(only(check(pr('  pipelineRef: {resolver: git}\n')), 'UNRESOLVED_TASK_REF')).toEqual([]);
    expect(only(withTask(okTr.replace('{name: build}', '{name: build, kind: task}')), 'UNRESOLVED_TASK_REF')).toEqual([]);
  });
});

describe('run params', () => {
  it('reports a missing required param (PipelineRun → Pipeline, TaskRun → Task)', () => {
    expect(only(withPipeline('  pipelineRef: {name: release}\n  workspaces: [{name: src, emptyDir: {}}]\n'), 'MISSING_REQUIRED_PARAM')).toEqual([{ code: 'MISSING_REQUIRED_PARAM', severity: 'error', line: 6, column: 3 }]);
    expect(only(withTask(okTr.replace('{name: url, value: u}', '{name: flags, value: [a]}')), 'MISSING_REQUIRED_PARAM')).toEqual([{ code: 'MISSING_REQUIRED_PARAM', severity: 'error', line: 7, column: 3 }]);
  });
  it('reports run params that differ only by case', () => {
    expect(only(withPipeline(okPr.replace('"1.0"}]', '"1.0"}, {name: Version, value: "2"}]')), 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 7, column: 50 }]);
  });
  it('reports extra params, type mismatches and enum values against the target', () => {
    const f = withPipeline(okPr.replace('"1.0"}]', '[a]}, {name: channel, value: nightly}, {name: extra, value: x}]'));
    expect(only(f, 'PARAM_TYPE_MISMATCH')).toEqual([{ code: 'PARAM_TYPE_MISMATCH', severity: 'error', line: 7, column: 35 }]);
    expect(only(f, 'PARAM_ENUM')).toEqual([{ code: 'PARAM_ENUM', severity: 'error', line: 7, column: 64 }]);
    expect(only(f, 'EXTRA_PARAM')).toEqual([{ code: 'EXTRA_PARAM', severity: 'warning', line: 7, column: 81 }]);
  });
  it('lets run params satisfy an embedded taskSpec (propagation) without extra-param warnings', () => {
    const f = check(tr('  params: [{name: url, value: u}, {name: other, value: o}]\n  taskSpec:\n    params: [{name: url}]\n    steps: [{name: s, image: alpine:3.20, env: [{name: O, value: $(params.other)}], script: "#!/bin/sh\\ntrue"}]\n'));
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([]);
    expect(only(f, 'EXTRA_PARAM')).toEqual([]);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
});

describe('result-ref-in-run-param', () => {
  it('reports a task result reference in a PipelineRun param value', () => {
    expect(only(withPipeline(okPr.replace('"1.0"', '"v$(tasks.a.results.r)"')), 'RESULT_REF_IN_RUN_PARAM')).toEqual([{ code: 'RESULT_REF_IN_RUN_PARAM', severity: 'error', line: 7, column: 37 }]);
  });
  it('accepts context variables', () => {
    expect(only(withPipeline(okPr.replace('"1.0"', '"$(context.pipelineRun.name)"')), 'RESULT_REF_IN_RUN_PARAM')).toEqual([]);
  });
});

describe('missing-required-workspace (runs)', () => {
  it('reports a required pipeline workspace the PipelineRun does not bind', () => {
    expect(only(withPipeline(okPr.replace('{name: src, emptyDir: {}}', '{name: cache, emptyDir: {}}')), 'MISSING_REQUIRED_WORKSPACE')).toEqual([{ code: 'MISSING_REQUIRED_WORKSPACE', severity: 'error', line: 8, column: 3 }]);
  });
  it('reports a Task workspace the TaskRun does not bind', () => {
    expect(only(withTask('  taskRef: {name: build}\n  params: [{name: url, value: u}]\n'), 'MISSING_REQUIRED_WORKSPACE')).toEqual([{ code: 'MISSING_REQUIRED_WORKSPACE', severity: 'error', line: 6, column: 3 }]);
  });
  it('accepts an unbound optional workspace', () => {
    expect(only(withPipeline(okPr), 'MISSING_REQUIRED_WORKSPACE')).toEqual([]);
  });
});

describe('workspace-binding-invalid', () => {
  it('reports no source, two sources, a missing claimName and a duplicate binding', () => {
    const f = withPipeline(yaml`
      pipelineRef: {name: release}
      params: [{name: version, value: "1"}]
      workspaces:
        - name: src
        - {name: a, emptyDir: {}, secret: {secretName: s}}
        - {name: b, persistentVolumeClaim: {}}
        - {name: a, configMap: {name: c}}
    `.replace(/^/gm, '  '));
    expect(only(f, 'WORKSPACE_BINDING_INVALID')).toEqual([
      { code: 'WORKSPACE_BINDING_INVALID', severity: 'error', line: 9, column: 7 },
      { code: 'WORKSPACE_BINDING_INVALID', severity: 'error', line: 10, column: 31 },
      { code: 'WORKSPACE_BINDING_INVALID', severity: 'error', line: 11, column: 17 },
      { code: 'WORKSPACE_BINDING_INVALID', severity: 'error', line: 12, column: 14 },
    ]);
  });
  it('reports a TaskRun binding that matches no workspace of the referenced Task', () => {
    expect(only(withTask(okTr.replace('[{name: source, emptyDir: {}}]', '[{name: source, emptyDir: {}}, {name: src, emptyDir: {}}]')), 'WORKSPACE_BINDING_INVALID')).toEqual([{ code: 'WORKSPACE_BINDING_INVALID', severity: 'error', line: 8, column: 53 }]);
  });
  it('accepts one source with its name', () => {
    expect(only(withTask(okTr.replace('emptyDir: {}', 'persistentVolumeClaim: {claimName: c}')), 'WORKSPACE_BINDING_INVALID')).toEqual([]);
  });
});

describe('run-spec-invalid', () => {
  it('reports a bad status, statusMessage without status, negative retries and unnamed stepSpecs', () => {
    const f = withTask(`${okTr}  status: Stopped\n  retries: -1\n  stepSpecs: [{computeResources: {}}]\n`);
    expect(only(f, 'RUN_SPEC_INVALID')).toEqual([
      { code: 'RUN_SPEC_INVALID', severity: 'error', line: 9, column: 11 },
      { code: 'RUN_SPEC_INVALID', severity: 'error', line: 10, column: 12 },
      { code: 'RUN_SPEC_INVALID', severity: 'error', line: 11, column: 15 },
    ]);
    expect(only(withPipeline(`${okPr}  statusMessage: why\n`), 'RUN_SPEC_INVALID')).toEqual([{ code: 'RUN_SPEC_INVALID', severity: 'error', line: 9, column: 3 }]);
  });
  it('reports taskRunSpecs naming an unknown pipeline task', () => {
    expect(only(withPipeline(`${okPr}  taskRunSpecs: [{pipelineTaskName: b}, {pipelineTaskName: a}]\n`), 'RUN_SPEC_INVALID')).toEqual([{ code: 'RUN_SPEC_INVALID', severity: 'error', line: 9, column: 37 }]);
  });
  it('accepts a pending run', () => {
    expect(only(withPipeline(`${okPr}  status: PipelineRunPending\n`), 'RUN_SPEC_INVALID')).toEqual([]);
  });
});

describe('feature-flag-required (runs)', () => {
  it('reports resolver params and concise resolver syntax on a run ref', () => {
    expect(only(check(pr('  pipelineRef:\n    resolver: git\n    params: [{name: url, value: u}]\n')), 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 8, column: 5 }]);
    expect(only(check(tr('  taskRef: {name: "hub://t:0.1"}\n')), 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 6, column: 19 }]);
  });
});

describe('config-defaults and podTemplate volumes', () => {
  const task = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  workspaces: [{name: source}]\n  steps: [{name: s, image: alpine:3.20, script: "ls"}]\n';
  const run = 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: r\nspec:\n  taskRef:\n    name: t\n';
  it('reports a TaskRun that leaves a required workspace unbound', () => {
    expect(only(checkFiles({ 'task.yaml': task, 'run.yaml': run }), 'MISSING_REQUIRED_WORKSPACE')).toEqual([{ code: 'MISSING_REQUIRED_WORKSPACE', severity: 'error', line: 6, column: 3 }]);
  });
  it('accepts it when the repository holds a config-defaults with default-task-run-workspace-binding', () => {
    const defaults = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-defaults\n  namespace: tekton-pipelines\ndata:\n  default-task-run-workspace-binding: |\n    emptyDir: {}\n';
    expect(only(checkFiles({ 'task.yaml': task, 'run.yaml': run, 'config/config-defaults.yaml': defaults }), 'MISSING_REQUIRED_WORKSPACE')).toEqual([]);
  });
  it('sees the volumes of the run podTemplate from an embedded taskSpec', () => {
    const f = checkFiles({
      'run.yaml': yaml`
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          generateName: r-
        spec:
          taskSpec:
            steps:
              - name: s
                image: alpine:3.20
                script: ls /m
                volumeMounts: [{name: custom, mountPath: /m}, {name: other, mountPath: /o}]
          podTemplate:
            volumes: [{name: custom, emptyDir: {}}]
      `,
    });
    expect(only(f, 'UNDEFINED_VOLUME')).toEqual([{ code: 'UNDEFINED_VOLUME', severity: 'error', line: 11, column: 62 }]);
  });
});

describe('unknown ref fields in runs', () => {
  it('refuses taskRef.version and pipelineRef.kind, which Tekton decoding does not know', () => {
    expect(only(withTask('  taskRef: {name: build, version: "0.1"}\n  params: [{name: url, value: u}]\n  workspaces: [{name: source, emptyDir: {}}]\n'), 'RUN_REF_OR_SPEC').map((x) => x.line)).toEqual([6]);
    expect(only(withPipeline('  pipelineRef: {name: release, kind: Pipeline}\n  params: [{name: version, value: "1.0"}]\n  workspaces: [{name: src, emptyDir: {}}]\n'), 'RUN_REF_OR_SPEC').map((x) => x.line)).toEqual([6]);
    expect(only(withTask(okTr), 'RUN_REF_OR_SPEC')).toEqual([]);
  });
});
