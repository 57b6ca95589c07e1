/** Replacement tables (pkg/substitution): keys inside `$(...)` → strings, whole arrays, whole objects; param spellings. */
import type { ParamValue } from '@plumbing/model';

/** Replacement tables, keyed by the expression inside `$(...)`. */
export interface Replacements {
  strings: Map<string, string>;
  /** Whole-array keys (`params.a`; `params.a[*]` is matched too). */
  arrays: Map<string, string[]>;
  /** Whole-object keys (`params.o`; `params.o[*]` is matched too). */
  objects: Map<string, Record<string, string>>;
}

export function newReplacements(): Replacements {
  return { strings: new Map(), arrays: new Map(), objects: new Map() };
}

/** Merges tables (later ones win on equal keys). */
export function mergeReplacements(...rs: Replacements[]): Replacements {
  const out = newReplacements();
  for (const r of rs) {
    for (const [k, v] of r.strings) out.strings.set(k, v);
    for (const [k, v] of r.arrays) out.arrays.set(k, v);
    for (const [k, v] of r.objects) out.objects.set(k, v);
  }
  return out;
}

/** The spellings Tekton registers for a param name (apply.go paramPatterns). */
export function paramKeySpellings(name: string, prefix = 'params', legacy = true): string[] {
  const keys = [`${prefix}.${name}`, `${prefix}[${JSON.stringify(name)}]`, `${prefix}['${name}']`];
  if (legacy && prefix === 'params') keys.push(`inputs.params.${name}`);
  return keys;
}

/**
 * Registers one param value under all its spellings: strings as `params.x`; arrays as whole
 * (`params.a`, `params.a[*]`) and by index (`params.a[i]`); objects as whole and by key
 * (`params.o.k`).
 */
export function addParam(r: Replacements, name: string, value: ParamValue, prefix = 'params', legacy = true): void {
  for (const key of paramKeySpellings(name, prefix, legacy)) {
    if (typeof value === 'string') r.strings.set(key, value);
    else if (Array.isArray(value)) {
      r.arrays.set(key, value);
      for (let i = 0; i < value.length; i++) r.strings.set(`${key}[${i}]`, value[i]!);
    } else {
      r.objects.set(key, value);
      for (const [k, v] of Object.entries(value)) r.strings.set(`${key}.${k}`, v);
    }
  }
}

/** Replacement tables for a list of params (Task level: with the legacy `inputs.params.` spelling). */
export function paramReplacements(params: readonly { name: string; value: ParamValue }[], prefix = 'params'): Replacements {
  const r = newReplacements();
  for (const p of params) addParam(r, p.name, p.value, prefix);
  return r;
}

