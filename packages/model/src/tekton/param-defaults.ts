/**
 * Param defaults, written once: how a TaskRun's and a StepAction's param values are made from
 * declared defaults and given values (tektoncd/pipeline taskrun/resources/apply.go
 * getTaskParameters / replacementsFromDefaultParams, and applyStepActionParameters).
 */
import type { ParamSpec, ParamValue } from '../types/tekton.js';

type ObjectValue = Record<string, string>;

/**
 * A param value as Tekton reads it (ParamValue.UnmarshalJSON): a YAML scalar that is not a string
 * (`default: true`, `value: 3`) is the string of its JSON text, as examples/v1/taskruns/alpha/
 * produce-consume-artifacts.yaml needs for `"buildOutput": $(params.buildOutput)`.
 */
export function asParamValue(v: unknown): ParamValue {
  return typeof v === 'boolean' || typeof v === 'number' ? JSON.stringify(v) : (v as ParamValue);
}
const isObj = (v: ParamValue | undefined): v is ObjectValue => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The expression inside every `$(...)` of a string, up to the first `)`, in order: the form of
 * the regular expression apply.go uses on defaults (`\$\(([^)]*)\)`), unlike `scanRefs`.
 */
export function scanExpressions(s: string): string[] {
  const out: string[] = [];
  let i = s.indexOf('$(');
  while (i >= 0) {
    const close = s.indexOf(')', i + 2);
    if (close < 0) break;
    out.push(s.slice(i + 2, close));
    i = s.indexOf('$(', i + 1);
  }
  return out;
}

const refersToParams = (d: ParamValue | undefined): d is string => typeof d === 'string' && d.includes('$(params.');

/**
 * A TaskRun's param values (getTaskParameters): defaults without `$(params.` first; then defaults
 * that reference other params (each reference replaced by that param's string default: only one
 * level, as apply.go does); then the run's values overwrite, objects merging key-wise.
 */
export function taskParamValues(specs: readonly ParamSpec[], run: ReadonlyMap<string, ParamValue>): Map<string, ParamValue> {
  const values = new Map<string, ParamValue>();
  for (const s of specs) {
    if (s.default !== undefined && !refersToParams(s.default)) values.set(s.name, asParamValue(s.default));
  }
  for (const s of specs) {
    if (!refersToParams(s.default)) continue;
    for (const ref of scanExpressions(s.default)) {
      if (!ref.startsWith('params.')) continue;
      const v = values.get(ref.slice('params.'.length));
      if (typeof v === 'string') values.set(s.name, s.default.split(`$(${ref})`).join(v));
    }
    if (!values.has(s.name)) values.set(s.name, s.default);
  }
  for (const [name, raw] of run) {
    const v = asParamValue(raw);
    const prev = values.get(name);
    values.set(name, isObj(prev) && isObj(v) ? { ...prev, ...v } : v);
  }
  return values;
}

export type StepActionParamValues =
  | { readonly ok: true; readonly values: Map<string, ParamValue>; readonly provided: ReadonlySet<string> }
  | { readonly ok: false; readonly cycle: string };

/**
 * A StepAction's param values (applyStepActionParameters): plain defaults, then the step's values
 * (objects merge key-wise), then defaults that reference other params, resolved recursively; a
 * cycle is named. A reference to a param without a value stays as written.
 */
export function stepActionParamValues(specs: readonly ParamSpec[], given: readonly { name: string; value: ParamValue }[]): StepActionParamValues {
  const values = new Map<string, ParamValue>();
  const refDefaults = new Map<string, string>();
  for (const s of specs) {
    if (s.default === undefined) continue;
    if (refersToParams(s.default)) refDefaults.set(s.name, s.default);
    else values.set(s.name, asParamValue(s.default));
  }
  const provided = new Set<string>();
  for (const g of given) {
    provided.add(g.name);
    const prev = values.get(g.name);
    const v = asParamValue(g.value);
    values.set(g.name, isObj(prev) && isObj(v) ? { ...prev, ...v } : v);
    refDefaults.delete(g.name);
  }
  const resolving = new Set<string>();
  const resolve = (name: string): string | { cycle: string } => {
    const v = values.get(name);
    if (typeof v === 'string') return v;
    const d = refDefaults.get(name);
    if (d === undefined) return `$(params.${name})`;
    if (resolving.has(name)) return { cycle: name };
    resolving.add(name);
    let out = d;
    for (const ref of scanExpressions(d)) {
      if (!ref.startsWith('params.')) continue;
      const sub = resolve(ref.slice('params.'.length));
      if (typeof sub !== 'string') return sub;
      out = out.split(`$(${ref})`).join(sub);
    }
    resolving.delete(name);
    values.set(name, out);
    return out;
  };
  for (const name of [...refDefaults.keys()]) {
    const res = resolve(name);
    if (typeof res !== 'string') return { ok: false, cycle: res.cycle };
  }
  return { ok: true, values, provided };
}
