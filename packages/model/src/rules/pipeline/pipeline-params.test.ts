import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks files that must parse: a syntax error would make a negative test pass for nothing. */
function checkAll(files: Record<string, string>) {
  const f = checkFiles(files);
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}

const task = yaml`
  apiVersion: tekton.dev/v1
  kind: Task
  metadata:
    name: build
  spec:
    params:
      - {name: url}
      - {name: flags, type: array, default: []}
      - {name: mode, default: fast, enum: [fast, slow]}
      - {name: repo, properties: {url: {}, rev: {}}, default: {rev: main}}
    workspaces:
      - {name: source}
      - {name: cache, optional: true}
    steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]
`;
/** A pipeline in another file whose task `a` runs Task build with `params` and `workspaces` (flow YAML). */
const pipeline = (params: string, workspaces = '[{name: source, workspace: ws}]') => yaml`
  apiVersion: tekton.dev/v1
  kind: Pipeline
  metadata:
    name: p
  spec:
    params: [{name: url}, {name: arr, type: array}]
    workspaces: [{name: ws}, {name: maybe, optional: true}]
    tasks:
      - name: a
        taskRef: {name: build}
        params: ${params}
        workspaces: ${workspaces}
`;
const run = (params: string, workspaces?: string) => checkAll({ 'tasks/build.yaml': task, 'pipelines/p.yaml': pipeline(params, workspaces) });

describe('missing-required-param (pipeline task → Task)', () => {
  it('reports a required param the pipeline task does not pass, at params', () => {
    expect(only(run('[{name: mode, value: slow}]'), 'MISSING_REQUIRED_PARAM')).toEqual([{ code: 'MISSING_REQUIRED_PARAM', severity: 'error', line: 11, column: 7 }]);
  });
  it('accepts it when passed, or supplied by the matrix', () => {
    expect(only(run('[{name: url, value: $(params.url)}]'), 'MISSING_REQUIRED_PARAM')).toEqual([]);
    const f = checkAll({
      'tasks/build.yaml': task,
      'pipelines/p.yaml': pipeline('[]').replace('taskRef: {name: build}', 'taskRef: {name: build}\n      matrix: {params: [{name: url, value: [a, b]}]}'),
    });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([]);
  });
  it('honours propagation of pipeline params into an embedded taskSpec', () => {
    const embedded = (pipelineParams: string) => yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        params: ${pipelineParams}
        tasks:
          - name: a
            taskSpec:
              params: [{name: url}]
              steps: [{name: s, image: alpine:3.20, env: [{name: U, value: $(params.url)}], script: "#!/bin/sh\\ntrue"}]
    `;
    expect(only(checkAll({ 'p.yaml': embedded('[{name: url}]') }), 'MISSING_REQUIRED_PARAM')).toEqual([]);
    expect(only(checkAll({ 'p.yaml': embedded('[]') }), 'MISSING_REQUIRED_PARAM')).toEqual([{ code: 'MISSING_REQUIRED_PARAM', severity: 'error', line: 8, column: 7 }]);
  });
});

describe('extra-param', () => {
  it('warns about a param the referenced Task does not declare', () => {
    expect(only(run('[{name: url, value: u}, {name: urll, value: u}]'), 'EXTRA_PARAM')).toEqual([{ code: 'EXTRA_PARAM', severity: 'warning', line: 11, column: 46 }]);
  });
  it('does not warn for an embedded taskSpec (the param propagates into it)', () => {
    const f = checkAll({
      'p.yaml': yaml`
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata:
          name: p
        spec:
          tasks:
            - name: a
              params: [{name: extra, value: x}]
              taskSpec: {steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}
      `,
    });
    expect(only(f, 'EXTRA_PARAM')).toEqual([]);
  });
});

describe('param-type-mismatch', () => {
  it('reports an array for a string param, a whole array param for a string, and missing object keys', () => {
    expect(only(run('[{name: url, value: [a]}]'), 'PARAM_TYPE_MISMATCH')).toEqual([{ code: 'PARAM_TYPE_MISMATCH', severity: 'error', line: 11, column: 35 }]);
    expect(only(run('[{name: url, value: "$(params.arr[*])"}]'), 'PARAM_TYPE_MISMATCH')).toEqual([{ code: 'PARAM_TYPE_MISMATCH', severity: 'error', line: 11, column: 35 }]);
    expect(only(run('[{name: url, value: u}, {name: repo, value: {rev: x}}]'), 'PARAM_TYPE_MISMATCH')).toEqual([{ code: 'PARAM_TYPE_MISMATCH', severity: 'error', line: 11, column: 59 }]);
  });
  it('reports a matrix param fanning out into an array param', () => {
    const f = checkAll({
      'tasks/build.yaml': task,
      'pipelines/p.yaml': pipeline('[{name: url, value: u}]').replace('taskRef: {name: build}', 'taskRef: {name: build}\n      matrix: {params: [{name: flags, value: [a, b]}]}'),
    });
    expect(only(f, 'PARAM_TYPE_MISMATCH')).toEqual([{ code: 'PARAM_TYPE_MISMATCH', severity: 'error', line: 11, column: 32 }]);
  });
  it('accepts matching types, whole-array references and object defaults', () => {
    expect(only(run('[{name: url, value: "$(params.arr[0])"}, {name: flags, value: $(params.arr)}, {name: repo, value: {url: x}}]'), 'PARAM_TYPE_MISMATCH')).toEqual([]);
    expect(only(run('[{name: url, value: u}, {name: flags, value: "$(tasks.x.results.list[*])"}]'), 'PARAM_TYPE_MISMATCH')).toEqual([]);
  });
});

describe('param-missing-value / param-enum / duplicate-param (pipeline task)', () => {
  it('reports a param without value at its name', () => {
    expect(only(run('[{name: url}]'), 'PARAM_MISSING_VALUE')).toEqual([{ code: 'PARAM_MISSING_VALUE', severity: 'error', line: 11, column: 23 }]);
    expect(only(run('[{name: url, value: ""}]'), 'PARAM_MISSING_VALUE')).toEqual([]);
  });
  it('reports a literal value outside the enum', () => {
    expect(only(run('[{name: url, value: u}, {name: mode, value: quick}]'), 'PARAM_ENUM')).toEqual([{ code: 'PARAM_ENUM', severity: 'error', line: 11, column: 59 }]);
    expect(only(run('[{name: url, value: u}, {name: mode, value: slow}]'), 'PARAM_ENUM')).toEqual([]);
    expect(only(run('[{name: url, value: u}, {name: mode, value: $(params.url)}]'), 'PARAM_ENUM')).toEqual([]);
  });
  it('reports a pipeline param passed through whose enum is not a subset of the task enum', () => {
    const withEnum = (e: string) => checkAll({ 'tasks/build.yaml': task, 'pipelines/p.yaml': pipeline('[{name: url, value: u}, {name: mode, value: $(params.m)}]').replace('{name: arr, type: array}]', `{name: arr, type: array}, {name: m, enum: ${e}}]`) });
    expect(only(withEnum('[fast, turbo]'), 'PARAM_ENUM')).toEqual([{ code: 'PARAM_ENUM', severity: 'error', line: 11, column: 59 }]);
    expect(only(withEnum('[fast]'), 'PARAM_ENUM')).toEqual([]);
  });
  it('reports a param passed twice (case-sensitive)', () => {
    expect(only(run('[{name: url, value: a}, {name: url, value: b}]'), 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 11, column: 46 }]);
    expect(only(run('[{name: url, value: a}, {name: URL, value: b}]'), 'DUPLICATE_PARAM')).toEqual([]);
  });
});

describe('missing-required-workspace (pipeline task → Task)', () => {
  it('reports a required task workspace that is not bound, at workspaces', () => {
    expect(only(run('[{name: url, value: u}]', '[{name: cache, workspace: ws}]'), 'MISSING_REQUIRED_WORKSPACE')).toEqual([{ code: 'MISSING_REQUIRED_WORKSPACE', severity: 'error', line: 12, column: 7 }]);
  });
  it('reports an optional pipeline workspace bound to a required task workspace', () => {
    expect(only(run('[{name: url, value: u}]', '[{name: source, workspace: maybe}]'), 'MISSING_REQUIRED_WORKSPACE')).toEqual([{ code: 'MISSING_REQUIRED_WORKSPACE', severity: 'error', line: 12, column: 46 }]);
  });
  it('accepts an unbound optional task workspace', () => {
    expect(only(run('[{name: url, value: u}]'), 'MISSING_REQUIRED_WORKSPACE')).toEqual([]);
  });
});

describe('catalog versions a ref does not choose between (tektoncd/catalog pipeline/buildpacks → buildpacks-phases 0.2 or 0.3)', () => {
  const task = (v: string, param: string, ws: string) =>
    `apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: phases}\nspec:\n  params: [{name: ${param}}]\n  workspaces: [{name: ${ws}}]\n  steps: [{name: s, image: alpine, script: "echo $(params.${param}) ${v}"}]\n`;
  const pipeline = `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n    - name: t\n      taskRef: {name: phases}\n      params: [{name: BUILDER_IMAGE, value: x}]\n      workspaces: [{name: source, workspace: w}]\n  workspaces: [{name: w}]\n`;
  const run = `apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: phases}\n  params: [{name: BUILDER_IMAGE, value: x}]\n  workspaces: [{name: source, emptyDir: {}}]\n`;
  const codes = ['MISSING_REQUIRED_PARAM', 'MISSING_REQUIRED_WORKSPACE', 'WORKSPACE_BINDING_INVALID'];

  it('refuses a binding only when every version refuses it', () => {
    const f = checkAll({
      'task/phases/0.2/phases.yaml': task('0.2', 'BUILDER_IMAGE', 'source'),
      'task/phases/0.3/phases.yaml': task('0.3', 'CNB_BUILDER_IMAGE', 'src'),
      'pipeline/p/0.1/p.yaml': pipeline,
      'pipeline/p/0.1/samples/run.yaml': run,
    });
    expect(f.filter((x) => codes.includes(x.code))).toEqual([]);
  });

  it('still refuses what no version accepts', () => {
    const f = checkAll({
      'task/phases/0.2/phases.yaml': task('0.2', 'CNB_BUILDER_IMAGE', 'source'),
      'task/phases/0.3/phases.yaml': task('0.3', 'CNB_BUILDER_IMAGE', 'src'),
      'pipeline/p/0.1/p.yaml': pipeline,
    });
    expect(f.filter((x) => codes.includes(x.code)).map((x) => ({ code: x.code, line: x.line }))).toEqual([{ code: 'MISSING_REQUIRED_PARAM', line: 8 }]);
  });
});

describe('same-named Pipelines in unrelated directories (Pipelines-as-Code testdata)', () => {
  const pipeline = (params: string) => `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: pipeline}\nspec:\n  params: [${params}]\n  tasks: [{name: t, taskSpec: {steps: [{name: s, image: alpine, script: "true"}]}}]\n`;
  const run = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: r}\nspec:\n  pipelineRef: {name: pipeline}\n`;

  it('does not refuse a run by the first of them when another would accept it', () => {
    const f = checkAll({ 'a/.tekton/p.yaml': pipeline('{name: repo_url}'), 'b/.tekton/p.yaml': pipeline('{name: other, default: x}'), 'c/.tekton/run.yaml': run });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([]);
  });

  it('refuses it when every one of them would', () => {
    const f = checkAll({ 'a/.tekton/p.yaml': pipeline('{name: repo_url}'), 'b/.tekton/p.yaml': pipeline('{name: repo_url}'), 'c/.tekton/run.yaml': run });
    expect(only(f, 'MISSING_REQUIRED_PARAM').map((x) => x.line)).toEqual([5]);
  });
});
