import type { PipelineSpec } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { PipelineRunRequest } from '../contracts.js';
import { preparePipelineRun } from './pipeline-prepare.js';

const step = { name: 's', image: 'busybox', script: 'true' };

function req(spec: PipelineSpec, extra: Partial<PipelineRunRequest> = {}): PipelineRunRequest {
  return {
    name: 'pr',
    namespace: 'ns',
    uid: 'u',
    pipelineName: 'p',
    spec,
    params: [],
    workspaces: [],
    labels: {},
    annotations: {},
    runDir: '/tmp/x',
    signal: new AbortController().signal,
    resolver: {
      task: (n) => (n === 'needs-x' ? { name: n, spec: { params: [{ name: 'x' }], steps: [step] } } : undefined),
      pipeline: () => undefined,
      stepAction: () => undefined,
    },
    executeTaskRun: async () => {
      throw new Error('not used');
    },
    ...extra,
  };
}

const failure = (r: ReturnType<typeof preparePipelineRun>) => (r.ok ? undefined : { reason: r.reason, message: r.message });

describe('preparePipelineRun', () => {
  it('reports param type mismatches, object keys and enum values', () => {
    const spec: PipelineSpec = {
      params: [
        { name: 'list', type: 'array' },
        { name: 'obj', type: 'object', properties: { a: {}, b: {} } },
        { name: 'mode', enum: ['fast', 'slow'], default: 'fast' },
      ],
      tasks: [{ name: 't', taskSpec: { steps: [step] } }],
    };
    expect(failure(preparePipelineRun(req(spec, { params: [{ name: 'list', value: 'x' }, { name: 'obj', value: { a: '1' } }] })))).toEqual({
      reason: 'ParameterTypeMismatch',
      message: "PipelineRun ns/pr parameters have mismatching types with Pipeline ns/p's parameters: parameters have inconsistent types : [list]",
    });
    expect(failure(preparePipelineRun(req(spec, { params: [{ name: 'list', value: ['x'] }, { name: 'obj', value: { a: '1' } }] })))).toEqual({
      reason: 'ObjectParameterMissKeys',
      message: "PipelineRun ns/pr parameters is missing object keys required by Pipeline ns/p's parameters: PipelineRun missing object keys for parameters: map[obj:[b]]",
    });
    expect(
      failure(preparePipelineRun(req(spec, { params: [{ name: 'list', value: ['x'] }, { name: 'obj', value: { a: '1', b: '2' } }, { name: 'mode', value: 'warp' }] }))),
    ).toEqual({ reason: 'InvalidParamValue', message: '[User error] PipelineRun ns/pr parameters have invalid value: param `mode` value: warp is not in the enum list' });
  });

  it('requires non-optional workspaces and known taskRunSpecs names', () => {
    const spec: PipelineSpec = { workspaces: [{ name: 'src' }, { name: 'cache', optional: true }], tasks: [{ name: 't', taskSpec: { steps: [step] } }] };
    expect(failure(preparePipelineRun(req(spec)))).toEqual({
      reason: 'InvalidWorkspaceBindings',
      message: 'PipelineRun ns/pr doesn\'t bind Pipeline ns/p\'s Workspaces correctly: pipeline requires workspace with name "src" be provided by pipelinerun',
    });
    const bound = { workspaces: [{ name: 'src', kind: 'emptyDir' as const }], taskRunSpecs: [{ pipelineTaskName: 'nope' }] };
    expect(failure(preparePipelineRun(req(spec, bound)))).toEqual({
      reason: 'InvalidTaskRunSpecs',
      message: 'PipelineRun ns/pr doesn\'t define taskRunSpecs correctly: PipelineRun\'s taskrunSpecs defined wrong taskName: "nope", does not exist in Pipeline',
    });
  });

  it('fails on a Task that does not exist and on a missing task param', () => {
    expect(failure(preparePipelineRun(req({ tasks: [{ name: 't', taskRef: { name: 'ghost' } }] })))).toEqual({
      reason: 'CouldntGetTask',
      message: 'Pipeline ns/p can\'t be Run; it contains Tasks that don\'t exist: Couldn\'t retrieve Task "ghost": tasks.tekton.dev "ghost" not found',
    });
    expect(failure(preparePipelineRun(req({ tasks: [{ name: 't', taskRef: { name: 'needs-x' } }] })))).toEqual({
      reason: 'PipelineValidationFailed',
      message: '[User error] Validation failed for pipelinerun pr with error invalid input params for task needs-x: missing values for these params which have no default values: [x]',
    });
  });

  it('flags a matrix param that targets a non-string Task param (wrongTypeParamsNames)', () => {
    const spec: PipelineSpec = {
      tasks: [{ name: 't', matrix: { params: [{ name: 'list', value: ['a', 'b'] }] }, taskSpec: { params: [{ name: 'list', type: 'array' }], steps: [step] } }],
    };
    expect(failure(preparePipelineRun(req(spec)))).toEqual({
      reason: 'PipelineValidationFailed',
      message: "[User error] Validation failed for pipelinerun pr with error invalid input params for task : param types don't match the user-specified type: [list]",
    });
  });

  it('requires a pipeline param enum to be a subset of the Task param enum it feeds (ValidateParamEnumSubset)', () => {
    const spec: PipelineSpec = {
      params: [{ name: 'mode', enum: ['fast', 'warp'], default: 'fast' }],
      tasks: [{ name: 't', params: [{ name: 'm', value: '$(params.mode)' }], taskSpec: { params: [{ name: 'm', enum: ['fast', 'slow'] }], steps: [step] } }],
    };
    expect(failure(preparePipelineRun(req(spec)))).toEqual({
      reason: 'PipelineValidationFailed',
      message: '[User error] Validation failed for pipelinerun with error pipeline param "mode" enum: [fast warp] is not a subset of the referenced in "" task param enum: [fast slow]',
    });
  });

  it('counts pipeline params as given for embedded taskSpecs (propagation), not for taskRefs', () => {
    const spec: PipelineSpec = {
      params: [{ name: 'x', default: 'v' }],
      tasks: [
        { name: 'inline', taskSpec: { params: [{ name: 'x' }], steps: [{ ...step, script: 'echo $(params.x)' }] } },
        { name: 'ref', taskRef: { name: 'needs-x' }, params: [{ name: 'x', value: '$(params.x)' }] },
      ],
    };
    const r = preparePipelineRun(req(spec));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tasks[0]?.task?.spec.steps?.[0]?.script).toBe('echo v');
    expect(r.tasks[1]?.pt.params).toEqual([{ name: 'x', value: 'v' }]);
  });

  it('rejects an out-of-bounds array param index and a CEL expression that is not boolean', () => {
    const spec: PipelineSpec = { params: [{ name: 'a', type: 'array', default: ['1'] }], tasks: [{ name: 't', params: [{ name: 'p', value: '$(params.a[2])' }], taskSpec: { steps: [step] } }] };
    expect(failure(preparePipelineRun(req(spec)))).toEqual({
      reason: 'ParamArrayIndexingInvalid',
      message: "PipelineRun ns/pr failed validation: failed to validate Pipeline ns/p's parameter which has an invalid index while referring to an array: non-existent param references:[$(params.a[2])]",
    });
    const cel: PipelineSpec = { tasks: [{ name: 't', when: [{ cel: "'a'" }], taskSpec: { steps: [step] } }] };
    expect(failure(preparePipelineRun(req(cel)))).toEqual({
      reason: 'CELEvaluationFailed',
      message: "[User error] Error evaluating CEL pr: The CEL expression 'a' is not evaluated to a boolean",
    });
  });

  it('rejects a literal matrix over the combination limit, and optional workspaces feeding required ones', () => {
    const xs = Array.from({ length: 17 }, (_, i) => String(i));
    const m: PipelineSpec = {
      params: [{ name: 'xs', type: 'array', default: xs }],
      tasks: [
        { name: 'fromParams', matrix: { params: [{ name: 'a', value: '$(params.xs)' }, { name: 'b', value: '$(params.xs)' }] }, taskSpec: { params: [{ name: 'a' }, { name: 'b' }], steps: [step] } },
        { name: 'literal', matrix: { params: [{ name: 'a', value: xs }, { name: 'b', value: xs }] }, taskSpec: { params: [{ name: 'a' }, { name: 'b' }], steps: [step] } },
      ],
    };
    // only the literal arrays count: pipelineSpec.Validate sees `$(params.xs)` as a string
    expect(failure(preparePipelineRun(req(m)))).toEqual({
      reason: 'PipelineValidationFailed',
      message: "[User error] Pipeline ns/p can't be Run; it has an invalid spec: expected 0 <= 289 <= 256: tasks[1].matrix",
    });
    const ws: PipelineSpec = {
      workspaces: [{ name: 'cache', optional: true }],
      tasks: [{ name: 't', workspaces: [{ name: 'c', workspace: 'cache' }], taskSpec: { workspaces: [{ name: 'c' }], steps: [step] } }],
    };
    expect(failure(preparePipelineRun(req(ws)))).toEqual({
      reason: 'RequiredWorkspaceMarkedOptional',
      message: '[User error] Optional workspace not supported by task: pipeline workspace "cache" is marked optional but pipeline task "t" requires it be provided',
    });
  });

  it('refuses custom tasks by kind, and result references to a child pipeline', () => {
    const custom: PipelineSpec = { tasks: [{ name: 'wait', taskRef: { apiVersion: 'wait.testing.tekton.dev/v1beta1', kind: 'Wait' } }] };
    expect(failure(preparePipelineRun(req(custom)))?.reason).toBe('CustomTaskUnsupported');
    expect(failure(preparePipelineRun(req(custom)))?.message).toContain('kind "Wait"');
    const child: PipelineSpec = {
      tasks: [
        { name: 'child', pipelineSpec: { tasks: [{ name: 'x', taskSpec: { steps: [step] } }] } },
        { name: 'use', params: [{ name: 'p', value: '$(tasks.child.results.r)' }], taskSpec: { params: [{ name: 'p' }], steps: [step] } },
      ],
    };
    expect(failure(preparePipelineRun(req(child)))).toEqual({
      reason: 'InvalidTaskResultReference',
      message: 'invalid result reference in pipeline task "use": unable to validate result referencing pipeline task "child": task spec not found',
    });
  });

  it('propagates pipeline params into an embedded pipelineSpec and passes them to the child', () => {
    const spec: PipelineSpec = {
      params: [{ name: 'who', default: 'parent' }],
      tasks: [{ name: 'child', pipelineSpec: { params: [{ name: 'who' }], tasks: [{ name: 'x', taskSpec: { steps: [{ ...step, script: 'echo $(params.who)' }] } }] } }],
    };
    const r = preparePipelineRun(req(spec));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tasks[0]?.pipeline?.spec.tasks?.[0]?.taskSpec?.steps?.[0]?.script).toBe('echo parent');
    expect([...(r.tasks[0]?.pipeline?.propagated ?? [])]).toEqual([['who', 'parent']]);
  });
});
