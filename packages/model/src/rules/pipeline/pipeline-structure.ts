/** Pipeline shape: empty pipelines, finally, task names, taskRef/taskSpec, onError, workspaces, feature gates. */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';
import { type PipelineModel, type PTask, visibleParams } from './pipeline-model.js';
import { checkParamSpecs } from '../params/params.js';
import { isCustomTaskRef, unknownRefFieldHint, unknownRefFields } from './pipeline-target.js';
import { checkTaskSpec } from '../task/task-rules.js';
import { checkDuration } from '../run/run-timeouts.js';
import { didYouMean } from '../../check/suggest.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function len(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

export function checkPipelineShape(ctx: DocContext, m: PipelineModel): void {
  const { spec, path } = m;
  const nTasks = len(spec.tasks);
  const nFinally = len(spec.finally);
  if (spec.tasks !== undefined && spec.tasks !== null && !Array.isArray(spec.tasks)) {
    ctx.report('PIPELINE_EMPTY', [...path, 'tasks'], 'spec.tasks must be a list of pipeline tasks');
  } else if (nTasks === 0 && nFinally === 0) {
    ctx.report('PIPELINE_EMPTY', spec.tasks === undefined ? path : [...path, 'tasks'], 'expected at least one, got none: spec.tasks', { key: true, hint: 'add a pipeline task under spec.tasks' });
  } else if (nTasks === 0) {
    ctx.report('FINALLY_WITHOUT_TASKS', [...path, 'finally'], `spec.tasks is empty but spec.finally has ${nFinally} tasks`, { key: true });
  }
  checkParamSpecs(ctx, spec.params, [...path, 'params'], { kind: 'Pipeline' });
  const seen = new Map<string, PTask>();
  for (const t of m.tasks) {
    checkName(ctx, t, seen);
    checkRefOrSpec(ctx, t);
    checkOnError(ctx, t);
    if (t.section === 'finally' && t.value.runAfter !== undefined) {
      ctx.report('FINALLY_RUN_AFTER', [...t.path, 'runAfter'], `no runAfter allowed under spec.finally, final task ${t.name ?? ''} has runAfter specified`, { key: true });
    }
    if (t.value.timeout !== undefined) checkDuration(ctx, t.value.timeout, [...t.path, 'timeout'], 'timeout');
    checkTaskWorkspaces(ctx, m, t);
  }
  checkWorkspaceDeclarations(ctx, m);
}

function checkName(ctx: DocContext, t: PTask, seen: Map<string, PTask>): void {
  const name = t.value.name;
  if (typeof name !== 'string' || name === '') {
    ctx.report('PIPELINE_TASK_INVALID_NAME', name === undefined ? t.path : [...t.path, 'name'], 'missing field(s): name (a pipeline task needs a name)');
    return;
  }
  if (!DNS_LABEL.test(name) || name.length > 63) {
    ctx.report('PIPELINE_TASK_INVALID_NAME', [...t.path, 'name'], `invalid value "${name}": Pipeline Task name must be a valid DNS Label (lower case letters, digits and '-', at most 63 characters)`);
  }
  const first = seen.get(name);
  if (first) {
    ctx.report('PIPELINE_TASK_DUPLICATE_NAME', [...t.path, 'name'], `pipeline task name "${name}" is not unique: also used by ${first.section}[${first.index}]`);
  } else seen.set(name, t);
}

const REF_KEYS = ['taskRef', 'taskSpec', 'pipelineRef', 'pipelineSpec'] as const;

function checkRefOrSpec(ctx: DocContext, t: PTask): void {
  const v = t.value;
  const present = REF_KEYS.filter((k) => v[k] !== undefined && v[k] !== null);
  if (present.length === 0) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', t.name !== undefined ? [...t.path, 'name'] : t.path, `expected exactly one, got neither: taskRef, taskSpec (pipeline task ${t.name ?? t.index})`, { key: true });
    return;
  }
  if (present.length > 1) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...t.path, present[1]!], `expected exactly one, got multiple: ${present.join(', ')}`, { key: true });
    return;
  }
  const k = present[0]!;
  const val = v[k];
  if (!isMap(val)) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...t.path, k], `${k} must be a map`);
    return;
  }
  if (k === 'pipelineRef' || k === 'pipelineSpec') {
    ctx.report('FEATURE_FLAG_REQUIRED', [...t.path, k], `${k} in a pipeline task (pipelines in pipelines) is an alpha feature`, { key: true, hint: 'set enable-api-fields: "alpha" in the feature-flags ConfigMap', gate: { apiFields: 'alpha' } });
  }
  if (k === 'taskRef' || k === 'pipelineRef') checkRef(ctx, val, [...t.path, k], k, t);
  if (k === 'taskSpec') {
    const hasType = typeof val.apiVersion === 'string' || typeof val.kind === 'string';
    if (hasType && val.steps !== undefined) {
      ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...t.path, k, val.kind !== undefined ? 'kind' : 'apiVersion'], 'taskSpec.apiVersion/kind (a custom task spec) cannot be used together with steps', { key: true });
    } else if (hasType && (typeof val.apiVersion !== 'string' || typeof val.kind !== 'string')) {
      ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...t.path, k, val.kind !== undefined ? 'kind' : 'apiVersion'], 'a custom task spec needs both apiVersion and kind', { key: true });
    }
  }
}

/**
 * Task rules over every embedded taskSpec (a separate rule, so that a crash there cannot hide the
 * pipeline findings). Embedded specs see pipeline params and workspaces (docs/tekton-semantics.md §2.1, §6).
 */
export function checkEmbeddedTaskSpecs(ctx: DocContext, m: PipelineModel): void {
  for (const t of m.tasks) {
    const spec = t.value.taskSpec;
    if (!isMap(spec) || t.value.taskRef !== undefined || t.value.pipelineRef !== undefined || t.value.pipelineSpec !== undefined) continue;
    if (typeof spec.apiVersion === 'string' || typeof spec.kind === 'string') continue; // a custom task spec
    checkTaskSpec(ctx, spec, [...t.path, 'taskSpec'], { embedded: true, pipelineParams: visibleParams(m, t), extraWorkspaces: visibleWorkspaces(m, t), extraVolumes: m.podVolumes });
  }
}

/** Workspaces an embedded taskSpec sees: its bindings, and pipeline workspaces (auto-bound when used, docs/tekton-semantics.md §6). */
function visibleWorkspaces(m: PipelineModel, t: PTask): string[] {
  const out = [...m.workspaces.keys()];
  for (const [b] of mapsOf(t.value.workspaces)) if (typeof b.name === 'string') out.push(b.name);
  return out;
}

function checkRef(ctx: DocContext, ref: JsonMap, path: NodePath, key: 'taskRef' | 'pipelineRef', t: PTask): void {
  const name = ref.name;
  for (const f of unknownRefFields(ref, key, ctx.value.apiVersion)) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, f], `unknown field "${f}" in ${key}`, { key: true, hint: unknownRefFieldHint(f) });
  }
  if (key === 'taskRef') {
    const custom = isCustomTaskRef(ref, true);
    if (typeof ref.apiVersion === 'string' && ref.apiVersion !== '' && (typeof ref.kind !== 'string' || ref.kind === '')) {
      ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, 'apiVersion'], 'missing field(s): taskRef.kind (a custom task needs kind and apiVersion)', { key: true });
    } else if (custom && (typeof ref.apiVersion !== 'string' || ref.apiVersion === '')) {
      const hint = ref.kind === 'ClusterTask' ? 'ClusterTask was removed from Tekton: use kind Task, or the cluster resolver' : undefined;
      ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, 'kind'], `invalid value: custom task ref must specify apiVersion (kind "${String(ref.kind)}" is not Task)`, { key: true, hint });
    }
    if (custom) return;
  }
  if (name !== undefined && ref.resolver !== undefined) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, 'resolver'], `expected exactly one, got both: ${key}.name, ${key}.resolver`, { key: true });
    return;
  }
  if (ref.resolver !== undefined) {
    if (ref.params !== undefined) {
      ctx.report('FEATURE_FLAG_REQUIRED', [...path, 'params'], `${key}.resolver params (remote resolution) are gated by enable-api-fields "beta"`, { key: true, hint: 'enable-api-fields must be "beta" or "alpha"', gate: { apiFields: 'beta' } });
    }
    return;
  }
  if (ref.params !== undefined) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, 'params'], `missing field(s): ${key}.resolver (${key}.params are resolver params)`, { key: true });
  }
  if (ref.bundle !== undefined) return;
  if (typeof name !== 'string' || name === '') {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', name === undefined ? path : [...path, 'name'], `expected exactly one, got neither: ${key}.name, ${key}.resolver`, { key: name === undefined });
    return;
  }
  if (name.includes('$(')) return;
  if (name.includes('://')) {
    ctx.report('FEATURE_FLAG_REQUIRED', [...path, 'name'], `concise resolver syntax in ${key}.name is an alpha feature`, { hint: 'set enable-concise-resolver-syntax: "true" in the feature-flags ConfigMap', gate: { flag: 'enable-concise-resolver-syntax' } });
    return;
  }
  if (!QUALIFIED_NAME.test(name)) {
    ctx.report('PIPELINE_TASK_REF_OR_SPEC', [...path, 'name'], `invalid value "${name}": ${key}.name must be a valid Kubernetes name`);
    return;
  }
  const kind = key === 'pipelineRef' ? 'Pipeline' : ref.kind === 'ClusterTask' ? 'ClusterTask' : 'Task';
  if (kind !== 'ClusterTask' && !ctx.index.resolve(kind, name, ctx.doc)) {
    ctx.report('UNRESOLVED_TASK_REF', [...path, 'name'], `${kind} "${name}" (used by pipeline task ${t.name ?? t.index}) is not defined in this repository`, {
      hint: didYouMean(name, ctx.index.ofKind(kind).flatMap((d) => (d.name ? [d.name] : [])), 'add the resource, fix the name, or use a resolver for remote tasks'),
    });
  }
}

function checkOnError(ctx: DocContext, t: PTask): void {
  const v = t.value.onError;
  if (v === undefined) return;
  const p = [...t.path, 'onError'];
  if (typeof v !== 'string' || (v !== 'continue' && v !== 'stopAndFail' && !v.startsWith('$(params.'))) {
    ctx.report('PIPELINE_TASK_ON_ERROR', p, `invalid value "${String(v)}": PipelineTask onError must be either "continue" or "stopAndFail"`);
    return;
  }
  if (v === 'continue' && typeof t.value.retries === 'number' && t.value.retries > 0) {
    ctx.report('PIPELINE_TASK_ON_ERROR', p, 'PipelineTask onError cannot be set to continue when retries is greater than 0', { hint: 'drop retries, or use onError: stopAndFail' });
  }
}

function checkWorkspaceDeclarations(ctx: DocContext, m: PipelineModel): void {
  const seen = new Set<string>();
  for (const [w, i] of mapsOf(m.spec.workspaces)) {
    if (typeof w.name !== 'string') continue;
    if (seen.has(w.name)) {
      ctx.report('DUPLICATE_WORKSPACE_DECLARATION', [...m.path, 'workspaces', i, 'name'], `workspace with name "${w.name}" appears more than once`);
    } else seen.add(w.name);
  }
}

function checkTaskWorkspaces(ctx: DocContext, m: PipelineModel, t: PTask): void {
  const seen = new Set<string>();
  for (const [b, i] of mapsOf(t.value.workspaces)) {
    const bp = [...t.path, 'workspaces', i];
    if (typeof b.name === 'string') {
      if (seen.has(b.name)) ctx.report('PIPELINE_TASK_UNKNOWN_WORKSPACE', [...bp, 'name'], `workspace binding "${b.name}" appears more than once in pipeline task ${t.name ?? t.index}`);
      seen.add(b.name);
    }
    const ws = typeof b.workspace === 'string' && b.workspace !== '' ? b.workspace : b.name;
    if (typeof ws !== 'string' || ws.includes('$(')) continue;
    if (!m.workspaces.has(ws)) {
      ctx.report('PIPELINE_TASK_UNKNOWN_WORKSPACE', [...bp, typeof b.workspace === 'string' ? 'workspace' : 'name'], `pipeline task "${t.name ?? t.index}" expects workspace with name "${ws}" but none exists in pipeline spec`, {
        hint: m.workspaces.size > 0 ? `declared: ${[...m.workspaces.keys()].join(', ')}` : 'declare it under spec.workspaces',
      });
    }
  }
}

