import { describe, expect, it } from 'vitest';
import type { DocRule } from '../../check/rule.js';
import { checkYaml, only, yaml } from '../../test-helpers.js';
import { isMap } from '../../yaml/values.js';
import { checkTaskSpec, type TaskSpecOptions } from './task-rules.js';

/** A rule that checks a TaskRun's embedded taskSpec the way the pipeline rules do. */
function embedded(opts: TaskSpecOptions): DocRule[] {
  return [
    {
      id: 'test-embedded',
      kinds: ['TaskRun'],
      check(ctx) {
        const spec = ctx.value.spec;
        if (isMap(spec) && isMap(spec.taskSpec)) checkTaskSpec(ctx, spec.taskSpec, ['spec', 'taskSpec'], opts);
      },
    },
  ];
}

const RUN = yaml`
  apiVersion: tekton.dev/v1
  kind: TaskRun
  metadata:
    name: r
  spec:
    taskSpec:
      steps:
        - image: registry.example.com/tool:1.0
          args: ["$(params.x)", "$(params.y)", "$(workspaces.shared.path)", "$(workspaces.other.path)"]
`;

describe('checkTaskSpec on embedded specs', () => {
  it('does not report propagated params or workspaces when the caller does not know them', () => {
    const f = checkYaml(RUN, { docRules: embedded({ embedded: true }) });
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([]);
  });
  it('reports params and workspaces outside what the caller says is visible, with their types', () => {
    const f = checkYaml(RUN, { docRules: embedded({ embedded: true, pipelineParams: [{ name: 'x', value: ['a', 'b'] }], extraWorkspaces: ['shared'] }) });
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 9, column: 32 }]);
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([]);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([{ code: 'UNDEFINED_WORKSPACE_REFERENCE', severity: 'error', line: 9, column: 76 }]);
  });
  it('takes param types from ParamSpec-like entries', () => {
    const f = checkYaml(RUN, { docRules: embedded({ embedded: true, pipelineParams: [{ name: 'x', type: 'object', properties: { k: {} } }, { name: 'y', value: '$(params.z)' }] }) });
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([{ code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 9, column: 17 }]);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
  it('reports positions inside the embedding document', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1
      kind: TaskRun
      metadata:
        name: r
      spec:
        taskSpec:
          steps:
            - name: Bad
              image: registry.example.com/tool:1.0
    `, { docRules: embedded({ embedded: true }) });
    expect(only(f, 'STEP_INVALID_NAME')).toEqual([{ code: 'STEP_INVALID_NAME', severity: 'error', line: 8, column: 15 }]);
  });
  it('skips a custom task spec (apiVersion/kind) without steps, but not a plain one', () => {
    const custom = yaml`
      apiVersion: tekton.dev/v1
      kind: TaskRun
      metadata:
        name: r
      spec:
        taskSpec:
          apiVersion: example.dev/v1
          kind: Wait
          spec: {duration: 5s}
    `;
    expect(only(checkYaml(custom, { docRules: embedded({ embedded: true }) }), 'TASK_MISSING_STEPS')).toEqual([]);
    const plain = yaml`
      apiVersion: tekton.dev/v1
      kind: TaskRun
      metadata:
        name: r
      spec:
        taskSpec:
          params: []
    `;
    expect(only(checkYaml(plain, { docRules: embedded({ embedded: true }) }), 'TASK_MISSING_STEPS')).toEqual([{ code: 'TASK_MISSING_STEPS', severity: 'error', line: 6, column: 3 }]);
  });
  it('checks a Pipeline task taskSpec with the pipeline params and workspaces visible (through the pipeline rules)', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: p
      spec:
        params: [{name: arr, type: array}]
        workspaces: [{name: shared}]
        tasks:
          - name: t
            taskSpec:
              steps:
                - image: registry.example.com/tool:1.0
                  args: ["$(params.arr[*])", "$(params.nope)", "$(workspaces.shared.path)", "$(workspaces.other.path)"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 13, column: 41 }]);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([{ code: 'UNDEFINED_WORKSPACE_REFERENCE', severity: 'error', line: 13, column: 88 }]);
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([]);
  });
});
