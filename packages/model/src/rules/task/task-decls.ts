import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap } from '../../yaml/values.js';

const RESULT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const STEP_RESULT_VALUE = /^\$\(steps\.([^.()[\]]+)\.results\.([^.()[\]]+)\)$/;

export interface DeclaredResult {
  name: string;
  type: ParamType;
  index: number;
}

/**
 * Task results (`spec.results`) or step results (`steps[].results`, StepAction `spec.results`): INVALID_RESULT for
 * a bad name, a duplicate, a bad type, an object without string properties, and (task results) a `value` that is
 * not `$(steps.<step>.results.<result>)`. Returns the declared results by name.
 */
export function checkResultDecls(ctx: DocContext, results: unknown, path: NodePath, opts: { step: boolean }): Map<string, DeclaredResult> {
  const out = new Map<string, DeclaredResult>();
  if (results === undefined || results === null) return out;
  if (!Array.isArray(results)) {
    ctx.report('INVALID_RESULT', path, 'results must be a list');
    return out;
  }
  for (let i = 0; i < results.length; i++) {
    const r: unknown = results[i];
    const at = [...path, i];
    if (!isMap(r)) {
      ctx.report('INVALID_RESULT', at, `results[${i}] must be a map with a name`);
      continue;
    }
    const name = r.name;
    if (typeof name !== 'string') {
      ctx.report('INVALID_RESULT', name === undefined ? at : [...at, 'name'], 'a result needs a string name');
      continue;
    }
    if (!RESULT_NAME.test(name)) ctx.report('INVALID_RESULT', [...at, 'name'], `invalid result name "${name}": must match ${RESULT_NAME.source}`);
    if (out.has(name)) ctx.report('INVALID_RESULT', [...at, 'name'], `result "${name}" is declared twice`);
    const t = r.type;
    let type: ParamType = r.properties !== undefined ? 'object' : 'string';
    if (t !== undefined && t !== null) {
      if (t === 'string' || t === 'array' || t === 'object') type = t;
      else ctx.report('INVALID_RESULT', [...at, 'type'], `invalid result type ${JSON.stringify(t)}: must be string, array or object`);
    }
    if (type === 'object') {
      const props = r.properties;
      if (!isMap(props)) ctx.report('INVALID_RESULT', props === undefined ? [...at, 'type'] : [...at, 'properties'], `object result "${name}" needs properties`);
      else {
        for (const [k, p] of Object.entries(props)) {
          const pt = isMap(p) ? p.type : undefined;
          if (pt !== undefined && pt !== 'string') ctx.report('INVALID_RESULT', [...at, 'properties', k, 'type'], `property "${k}" of result "${name}" must be of type string`);
        }
      }
    }
    const v = r.value;
    if (v !== undefined && v !== null) {
      if (opts.step) ctx.report('INVALID_RESULT', [...at, 'value'], `step result "${name}" cannot have a value`, { key: true });
      else if (typeof v !== 'string' || !STEP_RESULT_VALUE.test(v)) {
        ctx.report('INVALID_RESULT', [...at, 'value'], `result "${name}" value must be a step result reference $(steps.<step>.results.<result>)`);
      }
    }
    if (!out.has(name)) out.set(name, { name, type, index: i });
  }
  return out;
}

/** The step and result named by a task result `value`, when it has the `$(steps.s.results.r)` shape. */
export function stepResultOfValue(v: unknown): { step: string; result: string } | undefined {
  if (typeof v !== 'string') return undefined;
  const m = STEP_RESULT_VALUE.exec(v);
  return m ? { step: m[1] as string, result: m[2] as string } : undefined;
}

/** DUPLICATE_VOLUME over `spec.volumes`; returns the volume names. */
export function checkVolumes(ctx: DocContext, volumes: unknown, path: NodePath): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(volumes)) return names;
  for (let i = 0; i < volumes.length; i++) {
    const v: unknown = volumes[i];
    if (!isMap(v) || typeof v.name !== 'string') continue;
    if (names.has(v.name)) ctx.report('DUPLICATE_VOLUME', [...path, i, 'name'], `multiple volumes with same name "${v.name}"`);
    names.add(v.name);
  }
  return names;
}

function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/**
 * DUPLICATE_WORKSPACE_DECLARATION over a Task's `spec.workspaces`: a duplicate name, or a mount path used by
 * another workspace or by a volumeMount of a step or the stepTemplate. Returns the workspace names.
 */
export function checkWorkspaceDecls(ctx: DocContext, workspaces: unknown, path: NodePath, containers: readonly unknown[]): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(workspaces)) return names;
  const mountPaths = new Set<string>();
  for (const c of containers) {
    if (!isMap(c) || !Array.isArray(c.volumeMounts)) continue;
    for (const m of c.volumeMounts) if (isMap(m) && typeof m.mountPath === 'string') mountPaths.add(cleanPath(m.mountPath));
  }
  for (let i = 0; i < workspaces.length; i++) {
    const w: unknown = workspaces[i];
    if (!isMap(w) || typeof w.name !== 'string') continue;
    if (names.has(w.name)) {
      ctx.report('DUPLICATE_WORKSPACE_DECLARATION', [...path, i, 'name'], `workspace name "${w.name}" must be unique`);
      continue;
    }
    names.add(w.name);
    const explicit = typeof w.mountPath === 'string' && w.mountPath !== '';
    const mp = cleanPath(explicit ? (w.mountPath as string) : `/workspace/${w.name}`);
    if (mountPaths.has(mp)) {
      ctx.report('DUPLICATE_WORKSPACE_DECLARATION', [...path, i, explicit ? 'mountPath' : 'name'], `workspace mount path "${mp}" must be unique`);
    }
    mountPaths.add(mp);
  }
  return names;
}
