/**
 * A per-pipeline view built once per pipeline spec (a Pipeline's `spec`, a PipelineRun's
 * `pipelineSpec`, a pipeline task's `pipelineSpec`) and shared by the pipeline rules:
 * tasks by name, declared params and workspaces, and every `$(...)` reference with its place.
 */
import type { NodePath } from '../../check/finding.js';
import { isTektonRef, scanRefs, type VarRef } from '../../tekton/refs.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';
import { paramTypeOf } from '../params/params.js';
import { podTemplateVolumes } from '../task/task-rules.js';

export type Section = 'tasks' | 'finally';

/**
 * How a scalar is used, which decides whether a whole array/object reference is allowed in it:
 * `value` a whole param value (`$(params.a)` alone is fine), `element` an array element (alone is
 * fine, spliced), `string` a plain string (never).
 */
export type Usage = 'value' | 'element' | 'string';

/** Which field of a pipeline task a reference sits in. */
export type Field = 'params' | 'matrix' | 'include' | 'when' | 'cel' | 'taskSpec' | 'workspaces' | 'other' | 'results';

export interface RefSite {
  ref: VarRef;
  /** Path of the scalar holding the reference. */
  path: NodePath;
  /** Which occurrence of `ref.text` in that scalar (for the column). */
  occurrence: number;
  usage: Usage;
  field: Field;
  /** The scalar is exactly this reference. */
  whole: boolean;
}

export interface PTask {
  name: string | undefined;
  section: Section;
  index: number;
  path: NodePath;
  value: JsonMap;
  /** Tekton references in fields substituted at pipeline level (params, matrix, when, taskRef, subPath, ...). */
  refs: RefSite[];
  /** `$(tasks.*)` references inside an embedded taskSpec (they create dependencies too). */
  specRefs: RefSite[];
  hasWhen: boolean;
  matrixed: boolean;
  child: boolean;
}

export interface DeclaredParam {
  type: ParamType;
  /** Declared object keys (`properties`), when the param is an object. */
  keys: Set<string> | undefined;
  /** Declared `enum` values, when any. */
  enum: string[] | undefined;
}

export interface PipelineModel {
  spec: JsonMap;
  path: NodePath;
  /** An embedded spec (a PipelineRun's pipelineSpec, a pipeline task's pipelineSpec) rather than a Pipeline's. */
  embedded: boolean;
  tasks: PTask[];
  dag: Map<string, PTask>;
  fin: Map<string, PTask>;
  params: Map<string, DeclaredParam>;
  /** Params of the enclosing run (or parent pipeline) that propagate into an embedded spec, by name. */
  propagated: Set<string>;
  /** The same params as written (`{name, value}` or ParamSpec maps), for embedded taskSpecs. */
  propagatedList: unknown[];
  workspaces: Map<string, { optional: boolean }>;
  /** Volumes the enclosing PipelineRun's pod template gives every TaskRun's pod. */
  podVolumes: string[];
  /** References in `spec.results[].value`. */
  resultRefs: RefSite[];
}

/** Collects the Tekton references of one scalar into `out`. */
export function collectRefs(s: string, path: NodePath, usage: Usage, field: Field, out: RefSite[]): void {
  if (!s.includes('$(')) return;
  const refs = scanRefs(s);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    if (!isTektonRef(ref)) continue;
    let occurrence = 0;
    for (let j = 0; j < i; j++) if (refs[j]!.text === ref.text) occurrence++;
    out.push({ ref, path, occurrence, usage, field, whole: refs.length === 1 && ref.text === s.trim() });
  }
}

/** References in a param-like value: a string (whole value), an array of strings, or an object of strings. */
export function collectValueRefs(v: unknown, path: NodePath, field: Field, out: RefSite[], stringOnly = false): void {
  if (typeof v === 'string') collectRefs(v, path, stringOnly ? 'string' : 'value', field, out);
  else if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (typeof e === 'string') collectRefs(e, [...path, i], 'element', field, out);
    });
  }
  else if (isMap(v)) for (const [k, e] of Object.entries(v)) if (typeof e === 'string') collectRefs(e, [...path, k], 'string', field, out);
}

/** `$(tasks.` references anywhere inside `v` (an embedded spec). */
function collectTaskRefsDeep(v: unknown, path: (string | number)[], out: RefSite[], depth = 0): void {
  if (depth > 40) return;
  if (typeof v === 'string') {
    if (v.includes('$(tasks.')) collectRefs(v, path.slice(), 'string', 'taskSpec', out);
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      collectTaskRefsDeep(v[i], path, out, depth + 1);
      path.pop();
    }
  } else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      path.push(k);
      collectTaskRefsDeep(v[k], path, out, depth + 1);
      path.pop();
    }
  }
}

function collectParamList(list: unknown, path: NodePath, field: Field, out: RefSite[], stringOnly = false): void {
  for (const [p, i] of mapsOf(list)) collectValueRefs(p.value, [...path, i, 'value'], field, out, stringOnly);
}

function buildTask(t: JsonMap, section: Section, index: number, specPath: NodePath): PTask {
  const path = [...specPath, section, index];
  const refs: RefSite[] = [];
  const specRefs: RefSite[] = [];
  collectParamList(t.params, [...path, 'params'], 'params', refs);
  const matrix = t.matrix;
  if (isMap(matrix)) {
    collectParamList(matrix.params, [...path, 'matrix', 'params'], 'matrix', refs);
    for (const [inc, i] of mapsOf(matrix.include)) collectParamList(inc.params, [...path, 'matrix', 'include', i, 'params'], 'include', refs, true);
  }
  for (const [w, i] of mapsOf(t.when)) {
    const wp = [...path, 'when', i];
    if (typeof w.input === 'string') collectRefs(w.input, [...wp, 'input'], 'value', 'when', refs);
    if (Array.isArray(w.values)) {
      w.values.forEach((e, j) => {
        if (typeof e === 'string') collectRefs(e, [...wp, 'values', j], 'element', 'when', refs);
      });
    }
    if (typeof w.cel === 'string') collectRefs(w.cel, [...wp, 'cel'], 'string', 'cel', refs);
  }
  for (const [w, i] of mapsOf(t.workspaces)) if (typeof w.subPath === 'string') collectRefs(w.subPath, [...path, 'workspaces', i, 'subPath'], 'string', 'workspaces', refs);
  for (const k of ['displayName', 'onError', 'timeout'] as const) if (typeof t[k] === 'string') collectRefs(t[k] as string, [...path, k], 'string', 'other', refs);
  for (const k of ['taskRef', 'pipelineRef'] as const) {
    const r = t[k];
    if (!isMap(r)) continue;
    if (typeof r.name === 'string') collectRefs(r.name, [...path, k, 'name'], 'string', 'other', refs);
    collectParamList(r.params, [...path, k, 'params'], 'other', refs);
  }
  // Inside an embedded taskSpec, $(tasks.*) is substituted by the pipeline (a dependency); inside a
  // child pipelineSpec it names the child's own tasks, which that spec's own model checks.
  if (isMap(t.taskSpec)) collectTaskRefsDeep(t.taskSpec, [...path, 'taskSpec'], specRefs);
  return {
    name: typeof t.name === 'string' ? t.name : undefined,
    section,
    index,
    path,
    value: t,
    refs,
    specRefs,
    hasWhen: Array.isArray(t.when) && t.when.length > 0,
    matrixed: isMap(matrix) && (Array.isArray(matrix.params) || Array.isArray(matrix.include)),
    child: t.pipelineRef !== undefined || t.pipelineSpec !== undefined,
  };
}

/** Declared params of a spec (`params` list of ParamSpecs), by name. */
export function declaredParams(list: unknown): Map<string, DeclaredParam> {
  const out = new Map<string, DeclaredParam>();
  for (const [p] of mapsOf(list)) {
    if (typeof p.name !== 'string' || out.has(p.name)) continue;
    const type = paramTypeOf(p);
    const keys = type !== 'object' ? undefined : isMap(p.properties) ? Object.keys(p.properties) : isMap(p.default) ? Object.keys(p.default) : undefined;
    out.set(p.name, { type, keys: keys ? new Set(keys) : undefined, enum: Array.isArray(p.enum) ? p.enum.map(String) : undefined });
  }
  return out;
}

/**
 * `propagatedWorkspaces`: the workspaces a PipelineRun binds, which Tekton propagates into its
 * embedded pipelineSpec (and from there into embedded taskSpecs) when the spec does not declare them.
 */
export function buildModel(spec: JsonMap, path: NodePath, propagatedList: unknown[], embedded: boolean, propagatedWorkspaces: readonly string[] = [], podVolumes: string[] = []): PipelineModel {
  const propagated = new Set<string>();
  for (const [p] of mapsOf(propagatedList)) if (typeof p.name === 'string') propagated.add(p.name);
  const tasks: PTask[] = [];
  const dag = new Map<string, PTask>();
  const fin = new Map<string, PTask>();
  for (const section of ['tasks', 'finally'] as const) {
    for (const [t, i] of mapsOf(spec[section])) {
      const pt = buildTask(t, section, i, path);
      tasks.push(pt);
      const m = section === 'tasks' ? dag : fin;
      if (pt.name !== undefined && !m.has(pt.name)) m.set(pt.name, pt);
    }
  }
  const workspaces = new Map<string, { optional: boolean }>();
  for (const [w] of mapsOf(spec.workspaces)) if (typeof w.name === 'string' && !workspaces.has(w.name)) workspaces.set(w.name, { optional: w.optional === true });
  for (const w of propagatedWorkspaces) if (!workspaces.has(w)) workspaces.set(w, { optional: false });
  const resultRefs: RefSite[] = [];
  for (const [r, i] of mapsOf(spec.results)) collectValueRefs(r.value, [...path, 'results', i, 'value'], 'results', resultRefs);
  return { spec, path, embedded, tasks, dag, fin, params: declaredParams(spec.params), propagated, propagatedList, workspaces, podVolumes, resultRefs };
}

const cache = new WeakMap<JsonMap, PipelineModel[]>();

/**
 * Every pipeline spec of the document (a Pipeline's spec, a PipelineRun's pipelineSpec, and
 * pipelineSpecs nested in pipeline tasks), built once per document and shared by the rules.
 */
export function pipelineModels(ctx: DocContext): PipelineModel[] {
  const hit = cache.get(ctx.value);
  if (hit) return hit;
  const out: PipelineModel[] = [];
  const spec = ctx.value.spec;
  if (isMap(spec)) {
    if (ctx.doc.kind === 'Pipeline') addModel(spec, ['spec'], [], false, out, 0);
    else if (ctx.doc.kind === 'PipelineRun' && isMap(spec.pipelineSpec)) {
      const bound = mapsOf(spec.workspaces).flatMap(([b]) => (typeof b.name === 'string' ? [b.name] : []));
      const tmpl = isMap(spec.taskRunTemplate) ? spec.taskRunTemplate.podTemplate : spec.podTemplate;
      addModel(spec.pipelineSpec, ['spec', 'pipelineSpec'], Array.isArray(spec.params) ? spec.params : [], true, out, 0, bound, podTemplateVolumes(tmpl));
    }
  }
  cache.set(ctx.value, out);
  return out;
}

function addModel(spec: JsonMap, path: NodePath, propagated: unknown[], embedded: boolean, out: PipelineModel[], depth: number, workspaces: readonly string[] = [], podVolumes: string[] = []): void {
  const m = buildModel(spec, path, propagated, embedded, workspaces, podVolumes);
  out.push(m);
  if (depth >= 4) return;
  for (const t of m.tasks) {
    const child = t.value.pipelineSpec;
    if (!isMap(child)) continue;
    addModel(child, [...t.path, 'pipelineSpec'], visibleParams(m, t), true, out, depth + 1);
  }
}

/**
 * The params an embedded spec of `t` sees besides its own declarations, first wins: the task's own
 * params, then the pipeline's, then those propagated from above (docs/tekton-semantics.md §2.1).
 */
export function visibleParams(m: PipelineModel, t: PTask): unknown[] {
  return [...(Array.isArray(t.value.params) ? t.value.params : []), ...matrixParamSpecs(t.value.matrix), ...(Array.isArray(m.spec.params) ? m.spec.params : []), ...m.propagatedList];
}

/** A matrix's params as the task sees them: one string value of each combination (include params too). */
function matrixParamSpecs(matrix: unknown): JsonMap[] {
  if (!isMap(matrix)) return [];
  const lists = [matrix.params, ...mapsOf(matrix.include).map(([inc]) => inc.params)];
  return lists.flatMap((l) => mapsOf(l).flatMap(([p]) => (typeof p.name === 'string' ? [{ name: p.name, type: 'string' }] : [])));
}

/** A parsed `$(tasks.*)` / `$(finally.*)` reference. */
export interface TaskVar {
  root: 'tasks' | 'finally';
  kind: 'result' | 'status' | 'reason' | 'aggregate' | 'matrix-length' | 'matrix-result-length' | 'other';
  task: string | undefined;
  result?: string | undefined;
  key?: string | undefined;
}

export function taskVar(ref: VarRef): TaskVar | undefined {
  const s = ref.segments;
  const root = s[0];
  if (root !== 'tasks' && root !== 'finally') return undefined;
  if (s.length === 2 && s[1] === 'status' && root === 'tasks') return { root, kind: 'aggregate', task: undefined };
  const task = s[1];
  if (s[2] === 'results' && s[3] !== undefined && s.length <= 5) return { root, kind: 'result', task, result: s[3], key: s[4] };
  if (s.length === 3 && s[2] === 'status') return { root, kind: 'status', task };
  if (s.length === 3 && s[2] === 'reason') return { root, kind: 'reason', task };
  if (s[2] === 'matrix' && s.length === 4 && s[3] === 'length') return { root, kind: 'matrix-length', task };
  if (s[2] === 'matrix' && s.length === 5 && s[4] === 'length') return { root, kind: 'matrix-result-length', task, result: s[3] };
  return { root, kind: 'other', task };
}
