/**
 * Pipeline-level params (§2, `pipelinerun/resources/apply.go` ApplyParameters and the runtime
 * checks of `pipelinerun.go` reconcile): defaults, run values (object values replace the default
 * wholesale), defaults referencing other params, and the ParameterMissing / ParameterTypeMismatch
 * / ObjectParameterMissKeys failures.
 */
import type { ParamSpec, ParamType, ParamValue } from '@plumbing/model';
import type { ResolvedParam } from './contracts.js';
import { paramsTable, substValue } from './pipeline-vars.js';

export type PipelineParamsOutcome = { ok: true; values: Map<string, ParamValue> } | { ok: false; reason: string; message: string };

/** ParamSpec.SetDefaults type inference. */
export function paramSpecType(p: ParamSpec): ParamType {
  if (p.type) return p.type;
  if (p.properties) return 'object';
  if (p.default === undefined) return 'string';
  return valueType(p.default);
}

export function valueType(v: ParamValue): ParamType {
  if (typeof v === 'string') return 'string';
  return Array.isArray(v) ? 'array' : 'object';
}

function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

export function resolvePipelineParams(specs: readonly ParamSpec[] | undefined, given: readonly ResolvedParam[]): PipelineParamsOutcome {
  const declared = specs ?? [];
  const givenMap = new Map(given.map((p) => [p.name, p.value]));
  const missing = declared.filter((p) => p.default === undefined && !givenMap.has(p.name)).map((p) => p.name);
  if (missing.length > 0) return { ok: false, reason: 'ParameterMissing', message: `pipelineRun missing parameters: ${goList(missing)}` };
  const mismatched = declared.filter((p) => {
    const v = givenMap.get(p.name);
    if (v === undefined) return false;
    const t = valueType(v);
    // a string that is exactly one reference may stand for an array/object (issue #4879)
    if (t === 'string' && /^\$\([^()]*\)$/.test(v as string)) return false;
    return t !== paramSpecType(p);
  });
  if (mismatched.length > 0) {
    return { ok: false, reason: 'ParameterTypeMismatch', message: `parameters have inconsistent types : ${goList(mismatched.map((p) => p.name))}` };
  }
  for (const p of declared) {
    const v = givenMap.get(p.name);
    if (p.enum && p.enum.length > 0 && typeof v === 'string' && !p.enum.includes(v)) {
      return { ok: false, reason: 'InvalidParamValue', message: `parameters have invalid value: param \`${p.name}\` value: ${v} is not in the enum list` };
    }
  }
  const missKeys: string[] = [];
  for (const p of declared) {
    if (paramSpecType(p) !== 'object' || !p.properties) continue;
    const v = givenMap.get(p.name) ?? p.default;
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const keys = Object.keys(p.properties).filter((k) => !(k in v));
    if (keys.length > 0) missKeys.push(`${p.name}:${goList(keys)}`);
  }
  if (missKeys.length > 0) {
    return {
      ok: false,
      reason: 'ObjectParameterMissKeys',
      message: `missing keys for these params which are required in ParamSpec's properties map[${missKeys.join(' ')}]`,
    };
  }

  const values = new Map<string, ParamValue>();
  const fromDefault = new Set<string>();
  for (const p of declared) {
    if (p.default !== undefined) {
      values.set(p.name, p.default);
      fromDefault.add(p.name);
    }
  }
  for (const [name, v] of givenMap) {
    values.set(name, v);
    fromDefault.delete(name);
  }
  // defaults may reference other params; resolve up to depth 10, a cycle is an error
  for (let depth = 0; depth <= 10; depth++) {
    let changed = false;
    const snapshot = new Map(values);
    const table = paramsTable(snapshot);
    for (const name of fromDefault) {
      const before = values.get(name) as ParamValue;
      const after = substValue(before, table);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        values.set(name, after);
        changed = true;
      }
    }
    if (!changed) return { ok: true, values };
  }
  return { ok: false, reason: 'PipelineValidationFailed', message: 'circular dependency detected in parameter references' };
}
