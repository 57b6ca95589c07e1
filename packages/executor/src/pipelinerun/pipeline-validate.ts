/**
 * What a PipelineRun checks once its tasks are resolved, before its first TaskRun (pipelinerun.go
 * reconcile, IsBeforeFirstTaskRun): per-task params and enums, CEL, task and pipeline result
 * references, optional workspaces — the first failure, or nothing.
 */
import { evaluateCel, type ParamSpec, type ParamValue, type PipelineTask, refsIn, resultRefSources, type TaskSpec } from '@plumbing/model';
import type { PipelineRunRequest } from '../contracts.js';
import { paramSpecType, valueType } from './pipeline-params.js';
import { type Fail, fail, goList, type PreparedTask } from './prepare-outcome.js';
import { wholeRef } from './pipeline-vars.js';


export function validateBeforeFirstTaskRun(req: PipelineRunRequest, prepared: readonly PreparedTask[], params: ReadonlyMap<string, ParamValue>): Fail | undefined {
  return taskParamsFailure(req, prepared, params) ?? celFailure(req, prepared) ?? taskResultRefFailure(prepared) ?? pipelineResultRefFailure(req, prepared) ?? optionalWorkspaceFailure(req, prepared);
}

/**
 * Per-task params (validate_taskrun.go ValidateResolvedTask, wrapped as a user error by pipelinerun.go reconcile;
 * rtr.TaskName is empty for an embedded taskSpec).
 */
function taskParamsFailure(req: PipelineRunRequest, prepared: readonly PreparedTask[], params: ReadonlyMap<string, ParamValue>): Fail | undefined {
  const declaredParams = new Set(params.keys());
  const rawTasks = [...(req.spec.tasks ?? []), ...(req.spec.finally ?? [])];
  for (const [i, p] of prepared.entries()) {
    if (!p.task) continue;
    const propagated = p.pt.taskSpec ? declaredParams : new Set<string>();
    const msg = checkTaskParams(p.pt, p.task.spec, propagated, p.task.name ?? '');
    if (msg) return fail('PipelineValidationFailed', `[User error] Validation failed for pipelinerun ${req.name} with error ${msg}`);
    const subset = enumSubsetError(rawTasks[i]?.params ?? [], req.spec.params ?? [], p.task.spec, p.task.name ?? '');
    if (subset) return fail('PipelineValidationFailed', `[User error] Validation failed for pipelinerun with error ${subset}`);
  }
  return undefined;
}

/**
 * CEL compiles and evaluates to a boolean (pipelinerun.go reconcile after EvaluateCEL: "Error evaluating
 * CEL %s: %w" with the PipelineRun's name and the error wrapped as a user error).
 */
function celFailure(req: PipelineRunRequest, prepared: readonly PreparedTask[]): Fail | undefined {
  for (const p of prepared) {
    for (const w of p.pt.when ?? []) {
      if (!w.cel) continue;
      const r = evaluateCel(w.cel);
      if (!r.ok) return fail('CELEvaluationFailed', `[User error] Error evaluating CEL ${req.name}: ${r.message}`);
    }
  }
  return undefined;
}

/** validate_dependencies.go validateResultRef: the producer exists, has a task spec, declares the result. */
function resultRefProblem(byName: ReadonlyMap<string, PreparedTask>, producerName: string, rname: string): string | undefined {
  const producer = byName.get(producerName);
  if (!producer) return `referenced pipeline task ${JSON.stringify(producerName)} does not exist`;
  // a pipeline task running a child PipelineRun has no ResolvedTask: its results cannot be referenced
  if (!producer.task) return `unable to validate result referencing pipeline task ${JSON.stringify(producerName)}: task spec not found`;
  if (!(producer.task.spec.results ?? []).some((d) => d.name === rname)) {
    return `${JSON.stringify(rname)} is not a named result returned by pipeline task ${JSON.stringify(producerName)}`;
  }
  return undefined;
}

/** Task result references (validate_dependencies.go ValidatePipelineTaskResults, finally's own rules first). */
function taskResultRefFailure(prepared: readonly PreparedTask[]): Fail | undefined {
  const byName = new Map(prepared.map((p) => [p.pt.name, p]));
  for (const p of prepared) {
    for (const src of resultRefSources(p.pt)) {
      for (const s of stringsIn(src)) {
        for (const r of refsIn(s)) {
          if (r.segments[0] !== 'tasks' || r.segments[2] !== 'results') continue;
          const producer = byName.get(r.segments[1] ?? '');
          if (!producer) {
            if (p.isFinally) return fail('InvalidTaskResultReference', `invalid task result reference, final task has task result reference from a task ${r.segments[1]} which is not defined in the pipeline`);
            continue;
          }
          if (producer.isFinally && p.isFinally) {
            return fail('InvalidTaskResultReference', `invalid task result reference, final task has task result reference from a final task ${producer.pt.name}`);
          }
          const problem = resultRefProblem(byName, producer.pt.name, r.segments[3] ?? '');
          if (problem) return fail('InvalidTaskResultReference', `invalid result reference in pipeline task ${JSON.stringify(p.pt.name)}: ${problem}`);
        }
      }
    }
  }
  return undefined;
}

/**
 * Pipeline results must name declared results (validate_dependencies.go ValidatePipelineResults; message
 * from pipelinerun.go reconcile, the error passed with %w, not wrapped as a user error).
 */
function pipelineResultRefFailure(req: PipelineRunRequest, prepared: readonly PreparedTask[]): Fail | undefined {
  const byName = new Map(prepared.map((p) => [p.pt.name, p]));
  for (const result of req.spec.results ?? []) {
    for (const s of stringsIn(result.value)) {
      for (const r of refsIn(s)) {
        const root = r.segments[0];
        if ((root !== 'tasks' && root !== 'finally') || r.segments[2] !== 'results') continue;
        const producer = byName.get(r.segments[1] ?? '');
        const problem =
          !producer || producer.isFinally !== (root === 'finally')
            ? `referenced pipeline task ${JSON.stringify(r.segments[1])} does not exist`
            : resultRefProblem(byName, producer.pt.name, r.segments[3] ?? '');
        if (problem) {
          return fail(
            'InvalidPipelineResultReference',
            `Failed to resolve pipeline result reference for ${JSON.stringify(req.name)} with error invalid pipeline result ${JSON.stringify(result.name)}: ${problem}`,
          );
        }
      }
    }
  }
  return undefined;
}

/**
 * An optional pipeline workspace may only feed optional task workspaces (validate_dependencies.go
 * ValidateOptionalWorkspaces; pipelinerun.go: "Optional workspace not supported by task: %w" with a user error).
 */
function optionalWorkspaceFailure(req: PipelineRunRequest, prepared: readonly PreparedTask[]): Fail | undefined {
  const optionalWs = new Set((req.spec.workspaces ?? []).filter((w) => w.optional).map((w) => w.name));
  for (const p of prepared) {
    for (const b of p.pt.workspaces ?? []) {
      const decl = p.task?.spec.workspaces?.find((w) => w.name === b.name);
      if (decl && !decl.optional && optionalWs.has(b.workspace ?? b.name)) {
        return fail(
          'RequiredWorkspaceMarkedOptional',
          `[User error] Optional workspace not supported by task: pipeline workspace ${JSON.stringify(b.workspace ?? b.name)} is marked optional but pipeline task ${JSON.stringify(p.pt.name)} requires it be provided`,
        );
      }
    }
  }
  return undefined;
}

/** The Go %v of missing params inside the `invalid input params` message. */
function checkTaskParams(pt: PipelineTask, spec: TaskSpec, propagated: ReadonlySet<string>, taskName: string): string | undefined {
  const given = new Map<string, ParamValue>();
  for (const p of pt.params ?? []) given.set(p.name, p.value);
  for (const p of pt.matrix?.params ?? []) given.set(p.name, '');
  for (const inc of pt.matrix?.include ?? []) for (const p of inc.params ?? []) given.set(p.name, p.value);
  const missing = (spec.params ?? []).filter((p) => p.default === undefined && !given.has(p.name) && !propagated.has(p.name)).map((p) => p.name);
  if (missing.length > 0) return `invalid input params for task ${taskName}: missing values for these params which have no default values: ${goList(missing)}`;
  // validate_taskrun.go wrongTypeParamsNames: the pipeline task's params in order (a string that is one
  // `$(...)` may stand for an array/object, issue #4879), then every matrix param (params, then include),
  // which must target a string param
  const declaredType = new Map((spec.params ?? []).map((p) => [p.name, paramSpecType(p)]));
  const mismatched: string[] = [];
  for (const p of pt.params ?? []) {
    const want = declaredType.get(p.name);
    if (want === undefined) continue;
    if (typeof p.value === 'string' && want !== 'string' && wholeRef(p.value) !== undefined) continue;
    if (valueType(p.value) !== want) mismatched.push(p.name);
  }
  const matrixParams = [...(pt.matrix?.params ?? []), ...(pt.matrix?.include ?? []).flatMap((inc) => inc.params ?? [])];
  for (const p of matrixParams) {
    const want = declaredType.get(p.name);
    if (want !== undefined && want !== 'string') mismatched.push(p.name);
  }
  if (mismatched.length > 0) return `invalid input params for task ${taskName}: param types don't match the user-specified type: ${goList(mismatched)}`;
  return undefined;
}

function stringsIn(v: unknown): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    if (typeof x === 'string') {
      if (x.includes('$(')) out.push(x);
    } else if (Array.isArray(x)) for (const y of x) visit(y);
    else if (x && typeof x === 'object') for (const y of Object.values(x)) visit(y);
  };
  visit(v);
  return out;
}

/**
 * pipelinerunresolution.go ValidateParamEnumSubset, on the pipeline task's params before substitution:
 * a param whose value references exactly one pipeline param must not widen the Task's enum. As in
 * Tekton, the first such param that is not a string or targets a Task param without an enum ends the
 * check (`return nil` inside the loop).
 */
function enumSubsetError(ptParams: readonly { name: string; value: ParamValue }[], pipelineParams: readonly ParamSpec[], task: TaskSpec, taskName: string): string | undefined {
  for (const p of ptParams) {
    if (typeof p.value !== 'string') continue;
    const refs = refsIn(p.value).filter((r) => r.segments[0] === 'params');
    if (refs.length !== 1) continue;
    const pipelineParam = pipelineParams.find((x) => x.name === refs[0]?.segments[1]);
    const taskParam = (task.params ?? []).find((x) => x.name === p.name);
    const taskEnum = taskParam?.enum ?? [];
    if (!pipelineParam || paramSpecType(pipelineParam) !== 'string' || taskEnum.length === 0) return undefined;
    const pipelineEnum = pipelineParam.enum ?? [];
    if (pipelineEnum.length === 0) return `pipeline param "${pipelineParam.name}" has no enum, but referenced in "${taskName}" task has enums: ${goList(taskEnum)}`;
    if (!pipelineEnum.every((e) => taskEnum.includes(e))) {
      return `pipeline param "${pipelineParam.name}" enum: ${goList(pipelineEnum)} is not a subset of the referenced in "${taskName}" task param enum: ${goList(taskEnum)}`;
    }
  }
  return undefined;
}
