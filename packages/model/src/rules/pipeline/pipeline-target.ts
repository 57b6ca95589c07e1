/** What a pipeline task or a run points at: an embedded spec, a Task/Pipeline in the repository, or something we cannot see. */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { catalogVersionDir } from '../../yaml/repo-index.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';

export type TargetStatus = 'embedded' | 'resolved' | 'unresolved' | 'remote' | 'custom' | 'dynamic' | 'none';

export interface Target {
  kind: 'Task' | 'Pipeline';
  status: TargetStatus;
  /** The target's spec when known (embedded or resolved). */
  spec: JsonMap | undefined;
  /** Path of the ref or spec field in the current document. */
  path: NodePath;
  name?: string;
  /**
   * Specs of the other catalog versions of a resolved target when the ref names no version and
   * only "the newest" chose among them: the cluster may run any one, so a binding is refused only
   * when every one of them refuses it.
   */
  alternatives?: readonly JsonMap[];
}

/** Whether every alternative of `target` (none: vacuously) satisfies `ok`. */
export function everyAlternative(target: Target, ok: (spec: JsonMap) => boolean): boolean {
  return (target.alternatives ?? []).every(ok);
}

/** The kinds a pipeline task's taskRef may name without apiVersion (pipeline_validation.go taskKinds: ClusterTask is gone since v1.0). */
const CUSTOM_FREE_KINDS = new Set(['', 'Task']);

/** Whether a taskRef names a custom task (kind other than Task, or any apiVersion). */
export function isCustomTaskRef(ref: JsonMap, inPipeline: boolean): boolean {
  if (!inPipeline) return false; // a TaskRun's taskRef.kind is not validated (docs/tekton-semantics.md §1)
  if (typeof ref.apiVersion === 'string' && ref.apiVersion !== '') return true;
  return typeof ref.kind === 'string' && !CUSTOM_FREE_KINDS.has(ref.kind);
}

/**
 * The fields of a taskRef or pipelineRef that Tekton's strict decoding refuses (taskref_types.go,
 * pipelineref_types.go): `version` (a catalog's, not Tekton's), `bundle` outside v1beta1, typos.
 */
export function unknownRefFields(ref: JsonMap, key: 'taskRef' | 'pipelineRef', apiVersion: unknown): string[] {
  const allowed = new Set(['name', 'apiVersion', 'resolver', 'params']);
  if (key === 'taskRef') allowed.add('kind');
  if (apiVersion === 'tekton.dev/v1beta1') allowed.add('bundle');
  return Object.keys(ref).filter((k) => !allowed.has(k));
}

/** The hint for an unknown ref field. */
export function unknownRefFieldHint(field: string): string {
  return field === 'version' ? 'Tekton has no ref version: pin one with a resolver (hub: params name and version; bundles: an image digest)' : 'a ref has name, apiVersion, resolver and params (taskRef: also kind; v1beta1: also bundle)';
}

/** Whether an embedded taskSpec is a custom task spec (`apiVersion`/`kind` + `spec`) rather than steps. */
export function isCustomTaskSpec(spec: JsonMap): boolean {
  return (typeof spec.apiVersion === 'string' || typeof spec.kind === 'string') && spec.steps === undefined;
}

/** A ref that is fetched at run time (resolver, bundle, concise resolver syntax) or computed. */
function refStatus(ref: JsonMap): TargetStatus | undefined {
  if (ref.resolver !== undefined || ref.bundle !== undefined) return 'remote';
  if (typeof ref.name !== 'string' || ref.name === '') return 'none';
  if (ref.name.includes('$(')) return 'dynamic';
  if (ref.name.includes('://')) return 'remote';
  return undefined;
}

/** The Task (or child Pipeline) a pipeline task or TaskRun runs. `owner` holds taskRef/taskSpec/pipelineRef/pipelineSpec. */
export function targetOf(ctx: DocContext, owner: JsonMap, path: NodePath, inPipeline: boolean): Target {
  for (const [refKey, specKey, kind] of [
    ['taskRef', 'taskSpec', 'Task'],
    ['pipelineRef', 'pipelineSpec', 'Pipeline'],
  ] as const) {
    const spec = owner[specKey];
    if (isMap(spec)) {
      return { kind, status: kind === 'Task' && isCustomTaskSpec(spec) ? 'custom' : 'embedded', spec, path: [...path, specKey] };
    }
    const ref = owner[refKey];
    if (!isMap(ref)) continue;
    const p = [...path, refKey];
    if (kind === 'Task' && isCustomTaskRef(ref, inPipeline)) return { kind, status: 'custom', spec: undefined, path: p };
    const hub = hubTarget(ctx, ref, kind);
    if (hub) return { kind, status: 'resolved', spec: isMap(hub.value) && isMap(hub.value.spec) ? hub.value.spec : {}, path: p, name: String(hub.name) };
    const st = refStatus(ref);
    if (st) return { kind, status: st, spec: undefined, path: p };
    const name = ref.name as string;
    const k = kind === 'Task' && ref.kind === 'ClusterTask' ? 'ClusterTask' : kind;
    const { doc, others } = ctx.index.resolveGuessing(k, name, ctx.doc);
    // a ClusterTask is usually installed on the cluster rather than kept in the repository
    if (!doc) return { kind, status: k === 'ClusterTask' ? 'remote' : 'unresolved', spec: undefined, path: p, name };
    const specOf = (d: typeof doc) => (isMap(d.value) && isMap(d.value.spec) ? d.value.spec : {});
    return { kind, status: 'resolved', spec: specOf(doc), path: p, name, ...(others.length > 0 ? { alternatives: others.map(specOf) } : {}) };
  }
  return { kind: 'Task', status: 'none', spec: undefined, path };
}

/**
 * A hub resolver ref (`resolver: hub`, params name and version) to a catalog version that the
 * repository itself holds (`task/<name>/<version>/`): that version, not the newest, is what runs.
 */
function hubTarget(ctx: DocContext, ref: JsonMap, kind: 'Task' | 'Pipeline') {
  if (ref.resolver !== 'hub') return undefined;
  const params = new Map(mapsOf(ref.params).map(([p]) => [p.name, p.value]));
  const name = params.get('name');
  const version = params.get('version');
  if (typeof name !== 'string' || typeof version !== 'string' || name.includes('$(') || version.includes('$(')) return undefined;
  const want = typeof params.get('kind') === 'string' ? (params.get('kind') === 'pipeline' ? 'Pipeline' : 'Task') : kind;
  const doc = ctx.index.resolve(want, name, ctx.doc, version);
  return doc && catalogVersionDir(doc.file)?.endsWith(`/${version}`) ? doc : undefined;
}

/** Declared results of a task spec, by name, with their type. */
export function declaredResults(spec: JsonMap | undefined): Map<string, ParamType> | undefined {
  if (!spec) return undefined;
  const out = new Map<string, ParamType>();
  for (const [r] of mapsOf(spec.results)) {
    if (typeof r.name !== 'string') continue;
    const t = r.type === 'array' || r.type === 'object' || r.type === 'string' ? r.type : r.properties !== undefined ? 'object' : 'string';
    out.set(r.name, t);
  }
  return out;
}
