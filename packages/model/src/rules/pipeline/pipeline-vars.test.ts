import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function check(text: string) {
  const f = checkFiles({ 'test.yaml': text });
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}

const head = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\n';
const spec = '{results: [{name: r}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}';

/** A pipeline whose first task passes `value` (a YAML flow value) as param x. */
const withValue = (value: string) => head + yaml`
  spec:
    params:
      - {name: s}
      - {name: arr, type: array}
      - {name: obj, properties: {url: {}, rev: {}}}
    tasks:
      - name: a
        params:
          - name: x
            value: ${value}
        taskSpec: ${spec}
`;

describe('undefined-param-reference (pipeline level)', () => {
  it('reports an undeclared param in a task param, at the reference', () => {
    expect(only(check(withValue('"$(params.s)-$(params.nope)"')), 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 14, column: 31 }]);
  });
  it('reports undeclared params in when, matrix, results and workspace subPath', () => {
    const f = check(head + yaml`
      spec:
        workspaces: [{name: w}]
        results:
          - name: out
            value: "$(tasks.a.results.r)$(params.r)"
        tasks:
          - name: a
            when: [{input: $(params.w), operator: in, values: ["$(params.v)"]}]
            matrix: {params: [{name: m, value: [$(params.m)]}]}
            workspaces: [{name: w, subPath: $(params.sp)}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 9, column: 35 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 12, column: 22 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 12, column: 59 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 13, column: 43 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 14, column: 39 },
    ]);
  });
  it('accepts declared params, bracket names and run params propagated into a pipelineSpec', () => {
    expect(only(check(withValue(`"$(params.s) $(params['s']) $(params.arr[0]) $(params.obj.url)"`)), 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
    const run = yaml`
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        name: r
      spec:
        params: [{name: fromRun, value: v}]
        pipelineSpec:
          tasks:
            - name: a
              params: [{name: x, value: $(params.fromRun)}]
              taskSpec: ${spec}
    `;
    expect(only(check(run), 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
});

describe('unknown-object-key', () => {
  it('reports an undeclared key of an object param', () => {
    expect(only(check(withValue('$(params.obj.branch)')), 'UNKNOWN_OBJECT_KEY')).toEqual([{ code: 'UNKNOWN_OBJECT_KEY', severity: 'error', line: 14, column: 18 }]);
  });
  it('accepts a declared key', () => {
    expect(only(check(withValue('$(params.obj.rev)')), 'UNKNOWN_OBJECT_KEY')).toEqual([]);
  });
});

describe('array-param-in-string-context (pipeline level)', () => {
  it('reports a whole array inside a longer string, and a whole object in an include param', () => {
    expect(only(check(withValue('"--flags=$(params.arr[*])"')), 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([{ code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 14, column: 27 }]);
    expect(only(check(withValue('["a", "x $(params.arr)"]')), 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([{ code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 14, column: 27 }]);
    expect(only(check(withValue('{k: "$(params.obj[*])"}')), 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([{ code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 14, column: 23 }]);
  });
  it('accepts a whole array or object as the entire value, an element, or one index', () => {
    for (const v of ['"$(params.arr[*])"', '$(params.arr)', '["a", "$(params.arr[*])"]', '"$(params.obj[*])"', '"$(params.arr[1])"']) {
      expect(only(check(withValue(v)), 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([]);
    }
  });
});

describe('invalid-variable-prefix and unknown-context-variable (pipeline level)', () => {
  it('checks every pipeline task, not only the last', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params:
              - {name: x, value: "$(context.pipelineRun.nam)"}
              - {name: y, value: "$(inputs.params.x)"}
            taskSpec: ${spec}
          - name: b
            params:
              - {name: x, value: "$(context.pipelineTask.retry)"}
            taskSpec: ${spec}
    `);
    expect(only(f, 'UNKNOWN_CONTEXT_VARIABLE')).toEqual([
      { code: 'UNKNOWN_CONTEXT_VARIABLE', severity: 'error', line: 9, column: 29 },
      { code: 'UNKNOWN_CONTEXT_VARIABLE', severity: 'error', line: 14, column: 29 },
    ]);
    expect(only(f, 'INVALID_VARIABLE_PREFIX')).toEqual([{ code: 'INVALID_VARIABLE_PREFIX', severity: 'error', line: 10, column: 29 }]);
  });
  it('accepts the pipeline context variables, task ones expanded later, and shell substitutions', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params:
              - {name: x, value: "$(context.pipelineRun.name) $(context.pipeline.name) $(context.pipelineTask.retries)"}
              - {name: y, value: "$(context.taskRun.name) $(date +%s) $(workspaces.w.bound) $(context.task2.status)"}
            taskSpec: ${spec}
    `);
    expect(only(f, 'UNKNOWN_CONTEXT_VARIABLE')).toEqual([]);
    expect(only(f, 'INVALID_VARIABLE_PREFIX')).toEqual([]);
  });
});
