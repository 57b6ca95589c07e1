/**
 * Supplied params and workspaces against what the target declares: pipeline task → Task (or child
 * Pipeline), TaskRun → Task, PipelineRun → Pipeline (docs/tekton-semantics.md §2, §6, §16).
 */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';
import { paramTypeOf } from '../params/params.js';
import type { PipelineModel, PTask } from './pipeline-model.js';
import { taskVar } from './pipeline-model.js';
import { everyAlternative, type Target, targetOf } from './pipeline-target.js';
import { parseExpr } from '../../tekton/refs.js';
import { type ConfigDefaults, isConfigDefaults, parseConfigDefaults } from '../../tekton/config-defaults.js';
import type { RepoIndex } from '../../yaml/repo-index.js';

export interface BindingOptions {
  /** The `params` list as written, and its path. */
  supplied: unknown;
  path: NodePath;
  target: Target;
  /** Who supplies: `pipeline task "build"`, `TaskRun`, ... (for messages). */
  owner: string;
  /** Where a missing param is reported (with `key`). */
  missingAt: NodePath;
  /** Names supplied in another way (matrix params). */
  alsoSupplied?: ReadonlySet<string> | undefined;
  /** Names that reach an embedded target implicitly (propagated pipeline/run params). */
  implicit?: ReadonlySet<string> | undefined;
  /** Run params are compared case-insensitively for duplicates. */
  caseInsensitive: boolean;
  /** A pipeline task param needs a value. */
  requireValue: boolean;
  /** Object values replace the default wholesale (PipelineRun → Pipeline). */
  replaceObjects: boolean;
  /** Type of a value that is exactly one `$(...)` reference, when known. */
  refType?: ((ref: string) => ParamType | undefined) | undefined;
  /** The enum of a pipeline param a value is exactly a reference to, when it declares one. */
  refEnum?: ((ref: string) => string[] | undefined) | undefined;
}

function isWholeRef(s: string): boolean {
  const t = s.trim();
  return t.startsWith('$(') && t.endsWith(')') && t.indexOf('$(', 2) < 0;
}

function valueType(v: unknown, refType: BindingOptions['refType']): ParamType | undefined {
  if (typeof v === 'string') return isWholeRef(v) ? refType?.(v.trim()) : 'string';
  if (typeof v === 'number' || typeof v === 'boolean') return 'string';
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  return undefined;
}

export function checkParamBindings(ctx: DocContext, o: BindingOptions): void {
  const given = new Map<string, [JsonMap, number]>();
  const seen = new Set<string>();
  for (const [p, i] of mapsOf(o.supplied)) {
    const ep = [...o.path, i];
    if (typeof p.name !== 'string') continue;
    const k = o.caseInsensitive ? p.name.toLowerCase() : p.name;
    if (seen.has(k)) {
      ctx.report('DUPLICATE_PARAM', [...ep, 'name'], o.caseInsensitive ? `expected exactly one param named "${p.name}" (run param names are case-insensitive)` : `parameter names must be unique, the parameter "${p.name}" is defined more than once`);
      continue;
    }
    seen.add(k);
    given.set(p.name, [p, i]);
    if (o.requireValue && (p.value === undefined || p.value === null)) {
      ctx.report('PARAM_MISSING_VALUE', [...ep, 'name'], `param "${p.name}" of ${o.owner} has no value`, { hint: 'add value:, or remove the param to use the default' });
    }
  }
  const { target } = o;
  if ((target.status !== 'embedded' && target.status !== 'resolved') || !target.spec) return;
  const embedded = target.status === 'embedded';
  const declared = new Map<string, JsonMap>();
  for (const [d] of mapsOf(target.spec.params)) if (typeof d.name === 'string' && !declared.has(d.name)) declared.set(d.name, d);
  const what = target.name ? `${target.kind} "${target.name}"` : `the embedded ${target.kind === 'Task' ? 'taskSpec' : 'pipelineSpec'}`;
  for (const [name, [p, i]] of given) {
    const ep = [...o.path, i];
    const d = declared.get(name);
    if (!d) {
      if (!embedded) ctx.report('EXTRA_PARAM', [...ep, 'name'], `param "${name}" is not declared by ${what}: it is ignored`, { hint: declared.size > 0 ? `declared: ${[...declared.keys()].join(', ')}` : `${what} declares no params` });
      continue;
    }
    checkValue(ctx, d, p.value, [...ep, 'value'], name, what, o);
  }
  for (const [name, d] of declared) {
    if ((d.default !== undefined && d.default !== null) || given.has(name) || o.alsoSupplied?.has(name) || o.implicit?.has(name)) continue;
    if (!everyAlternative(target, (s) => mapsOf(s.params).some(([a]) => a.name === name && (a.default === undefined || a.default === null)))) continue;
    ctx.report('MISSING_REQUIRED_PARAM', o.missingAt, `${o.owner} does not supply param "${name}", which ${what} requires (no default)`, { key: true });
  }
}

function checkValue(ctx: DocContext, d: JsonMap, v: unknown, path: NodePath, name: string, what: string, o: BindingOptions): void {
  const want = paramTypeOf(d);
  const got = valueType(v, o.refType);
  if (got !== undefined && got !== want) {
    ctx.report('PARAM_TYPE_MISMATCH', path, `param "${name}" of ${what} is ${want}, but ${o.owner} supplies ${got === 'array' ? 'an array' : got === 'object' ? 'an object' : 'a string'}`);
    return;
  }
  if (want === 'object' && isMap(v) && isMap(d.properties)) {
    const defaults = !o.replaceObjects && isMap(d.default) ? d.default : {};
    const missing = Object.keys(d.properties).filter((k) => !(k in v) && !(k in defaults));
    if (missing.length > 0) ctx.report('PARAM_TYPE_MISMATCH', path, `missing keys for param "${name}" which are required in its properties: ${missing.join(', ')}`);
  }
  if (want === 'string' && Array.isArray(d.enum) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    const s = String(v);
    const allowed = d.enum.map(String);
    if (!s.includes('$(') && !allowed.includes(s)) {
      ctx.report('PARAM_ENUM', path, `value "${s}" of param "${name}" is not in the enum list of ${what}`, { hint: `allowed: ${allowed.join(', ')}` });
    } else if (isWholeRef(s)) {
      // a pipeline param passed through must have an enum that is a subset of the task's (ValidateParamEnumSubset)
      const outside = o.refEnum?.(s.trim())?.filter((e) => !allowed.includes(e));
      if (outside && outside.length > 0) {
        ctx.report('PARAM_ENUM', path, `the enum of ${s.trim()} allows ${outside.map((e) => `"${e}"`).join(', ')}, which param "${name}" of ${what} does not accept`, { hint: `allowed: ${allowed.join(', ')}` });
      }
    }
  }
}

const defaultsCache = new WeakMap<RepoIndex, ConfigDefaults>();

/** The config-defaults ConfigMap of the repository (a cluster's Tekton configuration), if it holds one. */
function configDefaultsIn(index: RepoIndex): ConfigDefaults {
  let d = defaultsCache.get(index);
  if (!d) {
    const doc = index.ofKind('ConfigMap').find((c) => isConfigDefaults(c.value));
    d = parseConfigDefaults(isMap(doc?.value) ? doc.value.data : undefined);
    defaultsCache.set(index, d);
  }
  return d;
}

/** Workspaces a target requires that the bindings do not provide. */
export function checkWorkspaceBindings(
  ctx: DocContext,
  target: Target,
  bindings: unknown,
  owner: string,
  missingAt: NodePath,
  implicit?: ReadonlySet<string> | undefined,
): void {
  if ((target.status !== 'embedded' && target.status !== 'resolved') || !target.spec) return;
  // the TaskRun reconciler binds what a TaskRun leaves unbound to the cluster's default (config-defaults)
  if (target.kind === 'Task' && configDefaultsIn(ctx.index).defaultTaskRunWorkspaceBinding) return;
  const bound = new Set<string>();
  for (const [b] of mapsOf(bindings)) if (typeof b.name === 'string') bound.add(b.name);
  const what = target.name ? `${target.kind} "${target.name}"` : `the embedded ${target.kind === 'Task' ? 'taskSpec' : 'pipelineSpec'}`;
  for (const [w] of mapsOf(target.spec.workspaces)) {
    if (typeof w.name !== 'string' || w.optional === true || bound.has(w.name) || implicit?.has(w.name)) continue;
    const name = w.name;
    if (!everyAlternative(target, (s) => mapsOf(s.workspaces).some(([a]) => a.name === name && a.optional !== true))) continue;
    ctx.report('MISSING_REQUIRED_WORKSPACE', missingAt, `${what} requires workspace "${w.name}", which ${owner} does not bind`, { key: true });
  }
}

/** Pipeline task params, matrix params and workspaces against the target Task or Pipeline. */
export function checkTaskBindings(ctx: DocContext, m: PipelineModel): void {
  for (const t of m.tasks) {
    const target = targetOf(ctx, t.value, t.path, true);
    const owner = `pipeline task "${t.name ?? t.index}"`;
    const missingAt = t.value.params !== undefined ? [...t.path, 'params'] : t.value.name !== undefined ? [...t.path, 'name'] : t.path;
    const matrixNames = matrixParamNames(t);
    const embedded = target.status === 'embedded';
    checkParamBindings(ctx, {
      supplied: t.value.params,
      path: [...t.path, 'params'],
      target,
      owner,
      missingAt,
      alsoSupplied: matrixNames,
      implicit: embedded ? new Set([...m.params.keys(), ...m.propagated]) : undefined,
      caseInsensitive: false,
      requireValue: true,
      replaceObjects: false,
      refType: (s) => refTypeIn(m, s),
      refEnum: (s) => {
        const { segments, index } = parseExpr(s.slice(2, -1));
        return segments[0] === 'params' && segments.length === 2 && index === undefined ? m.params.get(segments[1]!)?.enum : undefined;
      },
    });
    if (target.spec && (embedded || target.status === 'resolved')) checkMatrixTargets(ctx, t, target.spec, owner);
    checkWorkspaceBindings(ctx, target, t.value.workspaces, owner, t.value.workspaces !== undefined ? [...t.path, 'workspaces'] : missingAt, embedded ? new Set(m.workspaces.keys()) : undefined);
    checkOptionalWorkspaces(ctx, m, t, target);
  }
}

function matrixParamNames(t: PTask): Set<string> {
  const out = new Set<string>();
  const matrix = t.value.matrix;
  if (!isMap(matrix)) return out;
  for (const [p] of mapsOf(matrix.params)) if (typeof p.name === 'string') out.add(p.name);
  for (const [inc] of mapsOf(matrix.include)) for (const [p] of mapsOf(inc.params)) if (typeof p.name === 'string') out.add(p.name);
  return out;
}

/** Each matrix combination passes strings: the target's params for them must be strings. */
function checkMatrixTargets(ctx: DocContext, t: PTask, spec: JsonMap, owner: string): void {
  const matrix = t.value.matrix;
  if (!isMap(matrix)) return;
  const types = new Map<string, ParamType>();
  for (const [d] of mapsOf(spec.params)) if (typeof d.name === 'string') types.set(d.name, paramTypeOf(d));
  for (const [p, i] of mapsOf(matrix.params)) {
    if (typeof p.name !== 'string') continue;
    const ty = types.get(p.name);
    if (ty !== undefined && ty !== 'string') {
      ctx.report('PARAM_TYPE_MISMATCH', [...t.path, 'matrix', 'params', i, 'name'], `matrix param "${p.name}" of ${owner} fans out strings, but the task declares it ${ty}`);
    }
  }
}

function checkOptionalWorkspaces(ctx: DocContext, m: PipelineModel, t: PTask, target: Target): void {
  if (!target.spec) return;
  const required = new Set<string>();
  for (const [w] of mapsOf(target.spec.workspaces)) if (typeof w.name === 'string' && w.optional !== true) required.add(w.name);
  for (const [b, i] of mapsOf(t.value.workspaces)) {
    if (typeof b.name !== 'string' || !required.has(b.name)) continue;
    const ws = typeof b.workspace === 'string' && b.workspace !== '' ? b.workspace : b.name;
    if (m.workspaces.get(ws)?.optional) {
      ctx.report('MISSING_REQUIRED_WORKSPACE', [...t.path, 'workspaces', i, typeof b.workspace === 'string' ? 'workspace' : 'name'], `optional pipeline workspace "${ws}" is bound to workspace "${b.name}", which the task requires`, {
        hint: 'mark the task workspace optional, or the pipeline workspace required',
      });
    }
  }
}

/** Type of a whole `$(...)` value at pipeline level, when it can be known statically. */
function refTypeIn(m: PipelineModel, s: string): ParamType | undefined {
  const { segments, index } = parseExpr(s.slice(2, -1));
  if (segments[0] === 'params') {
    const d = segments[1] === undefined ? undefined : m.params.get(segments[1]);
    if (!d) return undefined;
    if (segments.length > 2 || (index !== undefined && index !== '[*]')) return 'string';
    return d.type;
  }
  if (segments[0] === 'context') return 'string';
  const v = taskVar({ text: s, expr: s.slice(2, -1), offset: 0, segments, index });
  if (v?.kind === 'result') return index !== undefined && index !== '[*]' ? 'string' : v.key !== undefined ? 'string' : undefined;
  if (v && v.kind !== 'other') return 'string';
  return undefined;
}
