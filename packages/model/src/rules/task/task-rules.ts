import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';
import { checkParamSpecs, paramTypeOf, reportUnusedParams } from '../params/params.js';
import { stepActionRule } from '../step/stepaction-rules.js';
import { checkContainer, checkContainerList, type ContainerScope } from '../step/step-rules.js';
import { checkResultDecls, checkVolumes, checkWorkspaceDecls, stepResultOfValue } from './task-decls.js';
import { checkSpecVariables } from './variables.js';

export interface TaskSpecOptions {
  /** The spec is embedded (a TaskRun's or pipeline task's `taskSpec`): params and workspaces may be propagated. */
  embedded: boolean;
  /**
   * For embedded specs: every param visible to the spec besides its own declarations (pipeline params, the
   * pipeline task's or the run's params), as ParamSpec-like (`{name, type?, default?}`) or Param-like
   * (`{name, value}`) maps. When given, other undeclared `$(params.x)` are reported; when omitted for an embedded
   * spec, undeclared params are not reported (they may be propagated).
   */
  pipelineParams?: readonly unknown[];
  /**
   * For embedded specs: workspace names visible besides the declared ones (propagated pipeline workspaces, run
   * bindings). When omitted for an embedded spec, workspace references and step workspaces are not checked.
   */
  extraWorkspaces?: readonly string[];
  /** For embedded specs: volumes the run's podTemplate adds to the pod (Tekton mounts them like the spec's own). */
  extraVolumes?: readonly string[];
}

/** The volume names of a podTemplate (a run's, or a taskRunTemplate's). */
export function podTemplateVolumes(podTemplate: unknown): string[] {
  return isMap(podTemplate) ? mapsOf(podTemplate.volumes).flatMap(([v]) => (typeof v.name === 'string' ? [v.name] : [])) : [];
}

function typeOfVisible(p: JsonMap): ParamType | undefined {
  if (!('value' in p)) return paramTypeOf(p);
  const v = p.value;
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  // a whole `$(params.x)` / `$(tasks.t.results.r[*])` value takes the type of what it references
  if (typeof v === 'string' && v.startsWith('$(') && v.endsWith(')') && v.indexOf('$(', 1) < 0) return undefined;
  return 'string';
}

/**
 * Validates a task spec wherever it appears: a Task's `spec`, a TaskRun's `taskSpec`, a pipeline
 * task's `taskSpec` (embedded: `params` may come from the pipeline, see docs/tekton-semantics.md §2.1).
 * `path` is the path of the spec inside `ctx.doc`.
 */
export function checkTaskSpec(ctx: DocContext, spec: Record<string, unknown>, path: NodePath, opts: TaskSpecOptions = { embedded: false }): void {
  const steps = spec.steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    // a custom task's embedded spec (apiVersion/kind) has no steps
    if (opts.embedded && (spec.apiVersion !== undefined || spec.kind !== undefined)) return;
    if (steps === undefined || steps === null) ctx.report('TASK_MISSING_STEPS', path, 'missing field(s): steps', { key: true, hint: 'a task needs at least one step' });
    else ctx.report('TASK_MISSING_STEPS', [...path, 'steps'], Array.isArray(steps) ? 'steps is empty: a task needs at least one step' : 'steps must be a list of steps');
  }
  const params = checkParamSpecs(ctx, spec.params, [...path, 'params'], { kind: 'Task' });
  const volumes = checkVolumes(ctx, spec.volumes, [...path, 'volumes']);
  for (const v of opts.extraVolumes ?? []) volumes.add(v);
  const template = spec.stepTemplate;
  const containers: unknown[] = Array.isArray(steps) ? [...steps, template] : [template];
  const declaredWs = checkWorkspaceDecls(ctx, spec.workspaces, [...path, 'workspaces'], containers);
  const results = checkResultDecls(ctx, spec.results, [...path, 'results'], { step: false });

  let workspaces: ReadonlySet<string> | undefined = declaredWs;
  if (opts.embedded) workspaces = opts.extraWorkspaces ? new Set([...declaredWs, ...opts.extraWorkspaces]) : undefined;
  const scope: ContainerScope = {
    volumes,
    workspaces,
    templateImage: isMap(template) && typeof template.image === 'string' && template.image !== '',
  };
  const stepsByName = checkContainerList(ctx, steps, [...path, 'steps'], 'step', scope);
  checkContainerList(ctx, spec.sidecars, [...path, 'sidecars'], 'sidecar', scope);
  if (template !== undefined && template !== null) {
    if (!isMap(template)) ctx.report('STEP_INVALID_FIELD', [...path, 'stepTemplate'], 'stepTemplate must be a map of container fields');
    else checkContainer(ctx, template, [...path, 'stepTemplate'], 'stepTemplate', scope);
  }

  // step results, by step index, and task result values that name a step result
  const stepResults: (ReadonlySet<string> | undefined)[] = [];
  if (Array.isArray(steps)) {
    for (const s of steps) {
      if (!isMap(s) || (s.ref !== undefined && s.ref !== null)) stepResults.push(undefined);
      else stepResults.push(new Set(Array.isArray(s.results) ? s.results.flatMap((r) => (isMap(r) && typeof r.name === 'string' ? [r.name] : [])) : []));
    }
  }
  if (Array.isArray(spec.results)) {
    spec.results.forEach((r, i) => {
      if (!isMap(r)) return;
      const ref = stepResultOfValue(r.value);
      if (!ref) return;
      const step = stepsByName.get(ref.step);
      if (!step) ctx.report('INVALID_RESULT', [...path, 'results', i, 'value'], `result "${String(r.name)}" takes its value from step "${ref.step}", which does not exist`);
      else if (step.ref === undefined || step.ref === null) {
        const own = Array.isArray(step.results) && step.results.some((x) => isMap(x) && x.name === ref.result);
        if (!own) ctx.report('INVALID_RESULT', [...path, 'results', i, 'value'], `step "${ref.step}" does not declare the result "${ref.result}"`);
      }
    });
  }

  let extraParams: Map<string, ParamType | undefined> | undefined;
  if (opts.pipelineParams) {
    extraParams = new Map();
    for (const p of opts.pipelineParams) if (isMap(p) && typeof p.name === 'string' && !extraParams.has(p.name)) extraParams.set(p.name, typeOfVisible(p));
  }
  const used = new Set<string>();
  checkSpecVariables(ctx, spec, path, {
    kind: 'task',
    params,
    extraParams,
    strictParams: !opts.embedded || opts.pipelineParams !== undefined,
    workspaces,
    results: new Set(results.keys()),
    stepResults,
    used,
  });
  reportUnusedParams(ctx, params, used, [...path, 'params']);
}

/** A Task's (or v1beta1 ClusterTask's) spec. */
export const taskSpecRule: DocRule = {
  id: 'task-spec',
  kinds: ['Task', 'ClusterTask'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('TASK_MISSING_STEPS', ['spec'], spec === undefined ? 'missing spec (and its steps)' : 'spec must be a map with steps', { key: true });
      return;
    }
    checkTaskSpec(ctx, spec, ['spec'], { embedded: false });
  },
};

/** Task, StepAction and step-level rules (helper "task rules" owns this family). */
export const TASK_RULES: readonly DocRule[] = [taskSpecRule, stepActionRule];
