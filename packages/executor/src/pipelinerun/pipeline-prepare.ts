/**
 * Everything a PipelineRun does before its first TaskRun (§16, `pipelinerun.go` reconcile): the
 * DAG, params, workspaces, taskRunSpecs, resolving each pipeline task, per-task param checks,
 * CEL, declared result references; then the first substitution stages of §3.3 (params with
 * propagation into embedded taskSpecs, context, `workspaces.<w>.bound`).
 */
import { buildPipelineDag, hasMatrix, MAX_MATRIX_COMBINATIONS, type ParamValue, type PipelineSpec, type PipelineTask, refsIn, staticCombinationCount, undeclaredPipelineParams } from '@plumbing/model';
import type { PipelineRunRequest } from '../contracts.js';
import { resolvePipelineParams } from './pipeline-params.js';
import { paramsTable, type Replacements, stringsTable, substDeep } from './pipeline-vars.js';
import { validateBeforeFirstTaskRun } from './pipeline-validate.js';
import { type Fail, fail, goList, type PreparedTask, type PrepareOutcome } from './prepare-outcome.js';

export type { PreparedTask, PrepareOutcome } from './prepare-outcome.js';

/** Not a Tekton reason: the local executor's refusal of custom tasks (see README "What runs differently here"). */
export const CUSTOM_TASK_REASON = 'CustomTaskUnsupported';

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

export function preparePipelineRun(req: PipelineRunRequest): PrepareOutcome {
  const spec = req.spec;
  const names = runNames(req);

  // Messages below follow pipelinerun.go reconcile: MarkFailed(reason, format, args); an argument wrapped
  // with pipelineErrors.WrapUserError makes LabelUserError prefix the whole message with "[User error] ".
  const built = buildPipelineDag(spec.tasks ?? []);
  if (!built.ok) return fail('PipelineInvalidGraph', `[User error] PipelineRun ${names.pr}'s Pipeline DAG is invalid: ${built.message}`);
  // the webhook's pipelineSpec.Validate: a reference to a param the pipeline does not declare
  const undeclared = undeclaredPipelineParams(spec);
  if (undeclared.length > 0) return fail('PipelineValidationFailed', `[User error] Pipeline ${names.pl} can't be Run; it has an invalid spec: non-existent variable in pipeline params: ${undeclared.map((n) => `$(params.${n})`).join(', ')}`);
  const limit = matrixLimitFailure(spec, names.pl);
  if (limit) return limit;

  const params = resolvePipelineParams(spec.params, req.params, { namespace: req.namespace, pipelineRun: req.name, pipeline: names.pipeline });
  if (!params.ok) return fail(params.reason, params.message);
  const early = paramIndexFailure(spec, params.values, names) ?? bindingsFailure(req, names);
  if (early) return early;

  const context = contextTable(req, names.pipeline);
  const prepared = substituteTasks(req, params.values, context);
  const unresolved = resolveTasks(req, prepared, names.pipeline);
  if (unresolved) return unresolved;
  const invalid = validateBeforeFirstTaskRun(req, prepared, params.values);
  if (invalid) return invalid;
  return { ok: true, dag: built.dag, tasks: prepared, params: params.values, context };
}

interface RunNames {
  pipeline: string;
  /** `<namespace>/<pipelinerun>` and `<namespace>/<pipeline>`, as Tekton's messages print them. */
  pr: string;
  pl: string;
}

function runNames(req: PipelineRunRequest): RunNames {
  const pipeline = req.pipelineName ?? req.name;
  return { pipeline, pr: `${req.namespace}/${req.name}`, pl: `${req.namespace}/${pipeline}` };
}

/**
 * pipelineSpec.Validate (pipeline_validation.go validateMatrix, matrix_types.go validateCombinationsCount): on
 * the spec before any substitution, so only literal arrays count (a `$(params.x)` value has no elements yet).
 */
function matrixLimitFailure(spec: PipelineSpec, plName: string): Fail | undefined {
  for (const [section, list] of [
    ['tasks', spec.tasks ?? []],
    ['finally', spec.finally ?? []],
  ] as const) {
    for (const [i, pt] of list.entries()) {
      if (!hasMatrix(pt.matrix)) continue;
      const n = staticCombinationCount(pt.matrix);
      if (n > MAX_MATRIX_COMBINATIONS) {
        return fail('PipelineValidationFailed', `[User error] Pipeline ${plName} can't be Run; it has an invalid spec: expected 0 <= ${n} <= ${MAX_MATRIX_COMBINATIONS}: ${section}[${i}].matrix`);
      }
    }
  }
  return undefined;
}

/** validate_params.go ValidateParamArrayIndex: a sorted set of the offending references. */
function paramIndexFailure(spec: PipelineSpec, params: ReadonlyMap<string, ParamValue>, names: RunNames): Fail | undefined {
  const bad = outOfBoundParamRefs(spec, params).sort();
  if (bad.length === 0) return undefined;
  return fail(
    'ParamArrayIndexingInvalid',
    `PipelineRun ${names.pr} failed validation: failed to validate Pipeline ${names.pl}'s parameter which has an invalid index while referring to an array: non-existent param references:${goList(bad)}`,
  );
}

/** pipelinerunresolution.go ValidateWorkspaceBindings, then ValidateTaskRunSpecs. */
function bindingsFailure(req: PipelineRunRequest, names: RunNames): Fail | undefined {
  const bound = new Set(req.workspaces.map((w) => w.name));
  for (const w of req.spec.workspaces ?? []) {
    if (!w.optional && !bound.has(w.name)) {
      return fail(
        'InvalidWorkspaceBindings',
        `PipelineRun ${names.pr} doesn't bind Pipeline ${names.pl}'s Workspaces correctly: pipeline requires workspace with name ${JSON.stringify(w.name)} be provided by pipelinerun`,
      );
    }
  }
  const allNames = new Set([...(req.spec.tasks ?? []), ...(req.spec.finally ?? [])].map((t) => t.name));
  for (const s of req.taskRunSpecs ?? []) {
    if (!allNames.has(s.pipelineTaskName)) {
      return fail(
        'InvalidTaskRunSpecs',
        `PipelineRun ${names.pr} doesn't define taskRunSpecs correctly: PipelineRun's taskrunSpecs defined wrong taskName: ${JSON.stringify(s.pipelineTaskName)}, does not exist in Pipeline`,
      );
    }
  }
  return undefined;
}

function contextTable(req: PipelineRunRequest, pipelineName: string): Map<string, string> {
  return new Map<string, string>([
    ['context.pipelineRun.name', req.name],
    ['context.pipelineRun.namespace', req.namespace],
    ['context.pipelineRun.uid', req.uid],
    ['context.pipeline.name', pipelineName],
  ]);
}

/** §3.3 stages 1-3: params (+ propagation into embedded taskSpecs), context, workspaces.<w>.bound. */
function substituteTasks(req: PipelineRunRequest, params: ReadonlyMap<string, ParamValue>, context: ReadonlyMap<string, string>): PreparedTask[] {
  const spec = req.spec;
  const bound = new Set(req.workspaces.map((w) => w.name));
  const boundTable = new Map<string, string>();
  for (const w of spec.workspaces ?? []) boundTable.set(`workspaces.${w.name}.bound`, bound.has(w.name) ? 'true' : 'false');
  const paramsResolve = paramsTable(params);
  const contextResolve = stringsTable(context);
  const boundResolve = stringsTable(boundTable);
  const prepared: PreparedTask[] = [];
  for (const [isFinally, list] of [
    [false, spec.tasks ?? []],
    [true, spec.finally ?? []],
  ] as const) {
    for (const raw of list) {
      const first = substTask(raw, paramsResolve, undefined);
      if (raw.taskSpec) first.taskSpec = substDeep(raw.taskSpec, paramsTable(propagationScope(params, first)));
      // an embedded pipelineSpec gets the parent's params the same way (pipelines in pipelines, §14)
      if (raw.pipelineSpec) first.pipelineSpec = substDeep(raw.pipelineSpec, paramsTable(propagationScope(params, first)));
      let pt = substTask(first, contextResolve, contextResolve);
      pt = substTask(pt, boundResolve, undefined);
      const entry: PreparedTask = { pt, isFinally };
      if (raw.pipelineSpec) entry.pipeline = { spec: pt.pipelineSpec as PipelineSpec, propagated: propagationScope(params, first) };
      prepared.push(entry);
    }
  }
  return prepared;
}

/** Resolves each pipeline task to its Task or Pipeline (sets `task` / `pipeline`), or the first failure. */
function resolveTasks(req: PipelineRunRequest, prepared: PreparedTask[], pipelineName: string): Fail | undefined {
  for (const p of prepared) {
    const failure = resolveTask(req, p, pipelineName);
    if (failure) return failure;
  }
  return undefined;
}

function resolveTask(req: PipelineRunRequest, p: PreparedTask, pipelineName: string): Fail | undefined {
  const pt = p.pt;
  // A custom task (taskRef/taskSpec with apiVersion and kind: TaskRef.IsCustomTask, EmbeddedTask.IsCustomTask)
  // becomes a CustomRun in Tekton, which only a controller for that kind ever completes; there is none here.
  // Deliberate divergence (README "What runs differently here"): fail at once, naming the kind, instead of
  // waiting for the PipelineRun timeout as a cluster without that controller would.
  const customRef = pt.taskRef?.apiVersion && pt.taskRef.kind ? pt.taskRef : pt.taskSpec?.apiVersion && pt.taskSpec.kind ? pt.taskSpec : undefined;
  if (customRef) {
    return fail(
      CUSTOM_TASK_REASON,
      `PipelineRun ${req.namespace}/${req.name} can't be run locally: pipeline task ${JSON.stringify(pt.name)} is a custom task (apiVersion ${JSON.stringify(customRef.apiVersion)}, kind ${JSON.stringify(customRef.kind)}); Tekton would create a CustomRun that only a ${customRef.kind} controller completes, and there is none here`,
    );
  }
  if (pt.taskSpec) {
    const { apiVersion: _a, kind: _k, metadata: _m, ...taskSpec } = pt.taskSpec;
    p.task = { spec: taskSpec };
  } else if (pt.taskRef) {
    const name = pt.taskRef.name ?? '';
    const found = req.resolver.task(name, pt.taskRef.kind);
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
    if (!found) return fail('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${req.namespace}/${req.name}: pipelines.tekton.dev ${JSON.stringify(name)} not found`);
    p.pipeline = { spec: found.spec, name: found.name };
  } else {
    return fail('PipelineValidationFailed', `Pipeline ${req.namespace}/${pipelineName} can't be Run; it has an invalid spec: expected exactly one, got neither: tasks[].taskRef, tasks[].taskSpec`);
  }
  return undefined;
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
