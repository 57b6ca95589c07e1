/**
 * Everything a PipelineRun does before its first TaskRun (§16, `pipelinerun.go` reconcile): the
 * DAG, params, workspaces, taskRunSpecs, resolving each pipeline task, per-task param checks,
 * CEL, declared result references; then the first substitution stages of §3.3 (params with
 * propagation into embedded taskSpecs, context, `workspaces.<w>.bound`).
 */
import { type Dag, evaluateCel, hasMatrix, MAX_MATRIX_COMBINATIONS, staticCombinationCount, type ParamSpec, type ParamValue, type PipelineSpec, type PipelineTask, type TaskSpec, undeclaredPipelineParams } from '@plumbing/model';
import type { PipelineRunRequest } from '../contracts.js';
import { buildDag, refsIn, resultRefSources } from './dag.js';
import { paramSpecType, resolvePipelineParams, valueType } from './pipeline-params.js';
import { paramsTable, type Replacements, stringsTable, substDeep, wholeRef } from './pipeline-vars.js';

/** Not a Tekton reason: the local executor's refusal of custom tasks (see README "What runs differently here"). */
export const CUSTOM_TASK_REASON = 'CustomTaskUnsupported';

export interface PreparedTask {
  /** The pipeline task after the params, context and workspaces stages. */
  pt: PipelineTask;
  isFinally: boolean;
  /** For a Task: its spec (embedded: already propagated) and the referenced Task's name. */
  task?: { spec: TaskSpec; name?: string };
  /**
   * For a pipeline in a pipeline. `propagated`: for an embedded pipelineSpec, the parent's params in
   * scope (§2.1 applied to pipelineSpec as to taskSpec), also passed to the child PipelineRun.
   */
  pipeline?: { spec: PipelineSpec; name?: string; propagated?: Map<string, ParamValue> };
}

export type PrepareOutcome =
  | { ok: true; dag: Dag; tasks: PreparedTask[]; params: Map<string, ParamValue>; context: Map<string, string> }
  | { ok: false; reason: string; message: string };

function fail(reason: string, message: string): PrepareOutcome {
  return { ok: false, reason, message };
}

function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

/** `$(params.a[N])` with N out of bounds, anywhere in the pipeline spec. */
function outOfBoundParamRefs(spec: PipelineSpec, params: ReadonlyMap<string, ParamValue>): string[] {
  const bad: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const r of refsIn(v)) {
        if (r.segments[0] !== 'params' || r.index === undefined || r.index === '[*]') continue;
        const val = params.get(r.segments[1] ?? '');
        const i = Number(r.index.slice(1, -1));
        if (Array.isArray(val) && (!Number.isInteger(i) || i >= val.length) && !bad.includes(r.text)) bad.push(r.text);
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit([spec.tasks, spec.finally]);
  return bad;
}

/** Params visible inside an embedded taskSpec: pipeline params, overridden by same-named PipelineTask params (§2.1). */
function propagationScope(pipelineParams: ReadonlyMap<string, ParamValue>, pt: PipelineTask): Map<string, ParamValue> {
  const scope = new Map(pipelineParams);
  for (const p of pt.params ?? []) {
    const prev = scope.get(p.name);
    if (prev === undefined) continue;
    if (typeof prev === 'object' && !Array.isArray(prev) && typeof p.value === 'object' && !Array.isArray(p.value)) {
      scope.set(p.name, { ...prev, ...p.value });
    } else scope.set(p.name, p.value);
  }
  return scope;
}

function withoutSpecs(pt: PipelineTask): PipelineTask {
  const { taskSpec: _t, pipelineSpec: _p, ...rest } = pt;
  return rest;
}

function substTask(pt: PipelineTask, resolve: Replacements, inlineResolve: Replacements | undefined): PipelineTask {
  const out: PipelineTask = substDeep(withoutSpecs(pt), resolve);
  if (pt.taskSpec) out.taskSpec = inlineResolve ? substDeep(pt.taskSpec, inlineResolve) : pt.taskSpec;
  if (pt.pipelineSpec) out.pipelineSpec = pt.pipelineSpec;
  return out;
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

export function preparePipelineRun(req: PipelineRunRequest): PrepareOutcome {
  const spec = req.spec;
  const tasks = spec.tasks ?? [];
  const finallyTasks = spec.finally ?? [];
  const pipelineName = req.pipelineName ?? req.name;

  const prName = `${req.namespace}/${req.name}`;
  const plName = `${req.namespace}/${pipelineName}`;

  // Messages below follow pipelinerun.go reconcile: MarkFailed(reason, format, args); an argument wrapped
  // with pipelineErrors.WrapUserError makes LabelUserError prefix the whole message with "[User error] ".
  const built = buildDag(tasks);
  if (!built.ok) return fail('PipelineInvalidGraph', `[User error] PipelineRun ${prName}'s Pipeline DAG is invalid: ${built.message}`);
  // the webhook's pipelineSpec.Validate: a reference to a param the pipeline does not declare
  const undeclared = undeclaredPipelineParams(spec);
  if (undeclared.length > 0) return fail('PipelineValidationFailed', `[User error] Pipeline ${plName} can't be Run; it has an invalid spec: non-existent variable in pipeline params: ${undeclared.map((n) => `$(params.${n})`).join(', ')}`);

  // pipelineSpec.Validate (pipeline_validation.go validateMatrix, matrix_types.go validateCombinationsCount): on
  // the spec before any substitution, so only literal arrays count (a `$(params.x)` value has no elements yet)
  for (const [section, list] of [
    ['tasks', tasks],
    ['finally', finallyTasks],
  ] as const) {
    for (const [i, pt] of list.entries()) {
      if (!hasMatrix(pt.matrix)) continue;
      const n = staticCombinationCount(pt.matrix);
      if (n > MAX_MATRIX_COMBINATIONS) {
        return fail('PipelineValidationFailed', `[User error] Pipeline ${plName} can't be Run; it has an invalid spec: expected 0 <= ${n} <= ${MAX_MATRIX_COMBINATIONS}: ${section}[${i}].matrix`);
      }
    }
  }

  const params = resolvePipelineParams(spec.params, req.params, { namespace: req.namespace, pipelineRun: req.name, pipeline: pipelineName });
  if (!params.ok) return fail(params.reason, params.message);

  // validate_params.go ValidateParamArrayIndex: a sorted set of the offending references
  const bad = outOfBoundParamRefs(spec, params.values).sort();
  if (bad.length > 0) {
    return fail(
      'ParamArrayIndexingInvalid',
      `PipelineRun ${prName} failed validation: failed to validate Pipeline ${plName}'s parameter which has an invalid index while referring to an array: non-existent param references:${goList(bad)}`,
    );
  }

  // pipelinerunresolution.go ValidateWorkspaceBindings
  const bound = new Set(req.workspaces.map((w) => w.name));
  for (const w of spec.workspaces ?? []) {
    if (!w.optional && !bound.has(w.name)) {
      return fail(
        'InvalidWorkspaceBindings',
        `PipelineRun ${prName} doesn't bind Pipeline ${plName}'s Workspaces correctly: pipeline requires workspace with name ${JSON.stringify(w.name)} be provided by pipelinerun`,
      );
    }
  }
  // pipelinerunresolution.go ValidateTaskRunSpecs
  const allNames = new Set([...tasks, ...finallyTasks].map((t) => t.name));
  for (const s of req.taskRunSpecs ?? []) {
    if (!allNames.has(s.pipelineTaskName)) {
      return fail(
        'InvalidTaskRunSpecs',
        `PipelineRun ${prName} doesn't define taskRunSpecs correctly: PipelineRun's taskrunSpecs defined wrong taskName: ${JSON.stringify(s.pipelineTaskName)}, does not exist in Pipeline`,
      );
    }
  }

  // §3.3 stages 1-3: params (+ propagation into embedded taskSpecs), context, workspaces.<w>.bound
  const context = new Map<string, string>([
    ['context.pipelineRun.name', req.name],
    ['context.pipelineRun.namespace', req.namespace],
    ['context.pipelineRun.uid', req.uid],
    ['context.pipeline.name', pipelineName],
  ]);
  const boundTable = new Map<string, string>();
  for (const w of spec.workspaces ?? []) boundTable.set(`workspaces.${w.name}.bound`, bound.has(w.name) ? 'true' : 'false');
  const paramsResolve = paramsTable(params.values);
  const contextResolve = stringsTable(context);
  const boundResolve = stringsTable(boundTable);

  const prepared: PreparedTask[] = [];
  for (const [isFinally, list] of [
    [false, tasks],
    [true, finallyTasks],
  ] as const) {
    for (const raw of list) {
      const first = substTask(raw, paramsResolve, undefined);
      if (raw.taskSpec) first.taskSpec = substDeep(raw.taskSpec, paramsTable(propagationScope(params.values, first)));
      // an embedded pipelineSpec gets the parent's params the same way (pipelines in pipelines, §14)
      if (raw.pipelineSpec) first.pipelineSpec = substDeep(raw.pipelineSpec, paramsTable(propagationScope(params.values, first)));
      let pt = substTask(first, contextResolve, contextResolve);
      pt = substTask(pt, boundResolve, undefined);
      const entry: PreparedTask = { pt, isFinally };
      if (raw.pipelineSpec) entry.pipeline = { spec: pt.pipelineSpec as PipelineSpec, propagated: propagationScope(params.values, first) };
      prepared.push(entry);
    }
  }

  // resolve each pipeline task
  for (const p of prepared) {
    const pt = p.pt;
    // A custom task (taskRef/taskSpec with apiVersion and kind: TaskRef.IsCustomTask, EmbeddedTask.IsCustomTask)
    // becomes a CustomRun in Tekton, which only a controller for that kind ever completes; there is none here.
    // Deliberate divergence (README "What runs differently here"): fail at once, naming the kind, instead of
    // waiting for the PipelineRun timeout as a cluster without that controller would.
    const customRef = pt.taskRef?.apiVersion && pt.taskRef.kind ? pt.taskRef : pt.taskSpec?.apiVersion && pt.taskSpec.kind ? pt.taskSpec : undefined;
    if (customRef) {
      return fail(
        CUSTOM_TASK_REASON,
        `PipelineRun ${prName} can't be run locally: pipeline task ${JSON.stringify(pt.name)} is a custom task (apiVersion ${JSON.stringify(customRef.apiVersion)}, kind ${JSON.stringify(customRef.kind)}); Tekton would create a CustomRun that only a ${customRef.kind} controller completes, and there is none here`,
      );
    }
    if (pt.taskSpec) {
      const { apiVersion: _a, kind: _k, metadata: _m, ...taskSpec } = pt.taskSpec;
      p.task = { spec: taskSpec };
    } else if (pt.taskRef) {
      const kind = pt.taskRef.kind;
      const name = pt.taskRef.name ?? '';
      const found = req.resolver.task(name, kind);
      if (!found) {
        return fail(
          'CouldntGetTask',
          `Pipeline ${req.namespace}/${pipelineName} can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task ${JSON.stringify(name)}: tasks.tekton.dev ${JSON.stringify(name)} not found`,
        );
      }
      p.task = { spec: found.spec, name: found.name };
    } else if (pt.pipelineSpec) {
      p.pipeline = { ...p.pipeline, spec: pt.pipelineSpec };
    } else if (pt.pipelineRef) {
      const name = pt.pipelineRef.name ?? '';
      const found = req.resolver.pipeline(name);
      if (!found) {
        return fail('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${req.namespace}/${req.name}: pipelines.tekton.dev ${JSON.stringify(name)} not found`);
      }
      p.pipeline = { spec: found.spec, name: found.name };
    } else {
      return fail('PipelineValidationFailed', `Pipeline ${req.namespace}/${pipelineName} can't be Run; it has an invalid spec: expected exactly one, got neither: tasks[].taskRef, tasks[].taskSpec`);
    }
  }

  // per-task params (validate_taskrun.go ValidateResolvedTask, wrapped as a user error by pipelinerun.go reconcile;
  // rtr.TaskName is empty for an embedded taskSpec)
  const declaredParams = new Set(params.values.keys());
  const rawTasks = [...tasks, ...finallyTasks];
  for (const [i, p] of prepared.entries()) {
    if (!p.task) continue;
    const propagated = p.pt.taskSpec ? declaredParams : new Set<string>();
    const msg = checkTaskParams(p.pt, p.task.spec, propagated, p.task.name ?? '');
    if (msg) return fail('PipelineValidationFailed', `[User error] Validation failed for pipelinerun ${req.name} with error ${msg}`);
    const subset = enumSubsetError(rawTasks[i]?.params ?? [], spec.params ?? [], p.task.spec, p.task.name ?? '');
    if (subset) return fail('PipelineValidationFailed', `[User error] Validation failed for pipelinerun with error ${subset}`);
  }

  // CEL compiles and evaluates to a boolean (pipelinerun.go reconcile after EvaluateCEL: "Error evaluating
  // CEL %s: %w" with the PipelineRun's name and the error wrapped as a user error)
  for (const p of prepared) {
    for (const w of p.pt.when ?? []) {
      if (!w.cel) continue;
      const r = evaluateCel(w.cel);
      if (!r.ok) return fail('CELEvaluationFailed', `[User error] Error evaluating CEL ${req.name}: ${r.message}`);
    }
  }

  // Before the first TaskRun (pipelinerun.go reconcile, IsBeforeFirstTaskRun): task result references,
  // pipeline result references, optional workspaces, in that order.
  const byName = new Map(prepared.map((p) => [p.pt.name, p]));
  /** validate_dependencies.go validateResultRef: the producer exists, has a task spec, declares the result. */
  const resultRefProblem = (producerName: string, rname: string): string | undefined => {
    const producer = byName.get(producerName);
    if (!producer) return `referenced pipeline task ${JSON.stringify(producerName)} does not exist`;
    // a pipeline task running a child PipelineRun has no ResolvedTask: its results cannot be referenced
    if (!producer.task) return `unable to validate result referencing pipeline task ${JSON.stringify(producerName)}: task spec not found`;
    if (!(producer.task.spec.results ?? []).some((d) => d.name === rname)) {
      return `${JSON.stringify(rname)} is not a named result returned by pipeline task ${JSON.stringify(producerName)}`;
    }
    return undefined;
  };
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
          // validate_dependencies.go ValidatePipelineTaskResults
          const problem = resultRefProblem(producer.pt.name, r.segments[3] ?? '');
          if (problem) return fail('InvalidTaskResultReference', `invalid result reference in pipeline task ${JSON.stringify(p.pt.name)}: ${problem}`);
        }
      }
    }
  }

  // pipeline results must name declared results (validate_dependencies.go ValidatePipelineResults; message
  // from pipelinerun.go reconcile, the error passed with %w, not wrapped as a user error)
  for (const result of spec.results ?? []) {
    for (const s of stringsIn(result.value)) {
      for (const r of refsIn(s)) {
        const root = r.segments[0];
        if ((root !== 'tasks' && root !== 'finally') || r.segments[2] !== 'results') continue;
        const producer = byName.get(r.segments[1] ?? '');
        const problem =
          !producer || producer.isFinally !== (root === 'finally')
            ? `referenced pipeline task ${JSON.stringify(r.segments[1])} does not exist`
            : resultRefProblem(producer.pt.name, r.segments[3] ?? '');
        if (problem) {
          return fail(
            'InvalidPipelineResultReference',
            `Failed to resolve pipeline result reference for ${JSON.stringify(req.name)} with error invalid pipeline result ${JSON.stringify(result.name)}: ${problem}`,
          );
        }
      }
    }
  }

  // an optional pipeline workspace may only feed optional task workspaces (validate_dependencies.go
  // ValidateOptionalWorkspaces; pipelinerun.go: "Optional workspace not supported by task: %w" with a user error)
  const optionalWs = new Set((spec.workspaces ?? []).filter((w) => w.optional).map((w) => w.name));
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

  return { ok: true, dag: built.dag, tasks: prepared, params: params.values, context };
}

export function stringsIn(v: unknown): string[] {
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
 * The params of a child PipelineRun: what the pipeline task passes, then (embedded pipelineSpec only)
 * the parent's other params in scope, so that the child's declared params are satisfied by propagation.
 */
export function childParams(pt: PipelineTask, propagated: ReadonlyMap<string, ParamValue> | undefined): { name: string; value: ParamValue }[] {
  const out = (pt.params ?? []).map((p) => ({ name: p.name, value: p.value }));
  for (const [name, value] of propagated ?? []) if (!out.some((p) => p.name === name)) out.push({ name, value });
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
