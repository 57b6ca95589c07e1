/**
 * Pipeline-level variable substitution (§3.1, §3.3) on top of the shared primitives of
 * substitute.ts (Tekton's single-pass literal-key replacer, array splicing, whole-ref params):
 * this module builds the pipeline's replacement tables and walks pipeline tasks with them.
 */
import type { ParamValue } from '@plumbing/model';
import {
  addParam,
  applyReplacements,
  applyReplacementsAsString,
  applyToList,
  applyToParamValue,
  newReplacements,
  type Replacements,
} from '../substitution/substitute.js';

export type { Replacements };

/** `params.<p>` in its three spellings (no legacy `inputs.params` at pipeline level). */
export function paramsTable(values: ReadonlyMap<string, ParamValue>): Replacements {
  const r = newReplacements();
  for (const [name, v] of values) addParam(r, name, v, 'params', false);
  return r;
}

/** Plain string keys (`context.pipelineRun.name` → value). */
export function stringsTable(entries: Iterable<readonly [string, string]>): Replacements {
  const r = newReplacements();
  for (const [k, v] of entries) r.strings.set(k, v);
  return r;
}

/** `<root>.<task>.results.<r>` (string, `[i]`, `[*]`, `.key`) for every given task's results. */
export function resultsTable(tasks: Iterable<{ name: string; results: ReadonlyMap<string, ParamValue> }>, root: 'tasks' | 'finally' = 'tasks'): Replacements {
  const r = newReplacements();
  for (const t of tasks) for (const [name, v] of t.results) addParam(r, name, v, `${root}.${t.name}.results`, false);
  return r;
}

/** A Param value: a string that is exactly one array/object reference takes that type (§3.1). */
export function substValue(v: ParamValue, r: Replacements): ParamValue {
  return applyToParamValue(v, r);
}

/**
 * Deep substitution of a pipeline task (or any JSON-like value): strings replaced, string lists
 * spliced, Param values keep array/object types, a when `input` that is a whole array/object
 * reference becomes its JSON.
 */
export function substDeep<T>(value: T, r: Replacements): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return applyReplacements(v, r.strings);
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) return applyToList(v as string[], r);
      return v.map(visit);
    }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      const isParam = 'name' in v && 'value' in v && typeof (v as { value: unknown }).value === 'string';
      const isWhen = 'operator' in v && 'input' in v && typeof (v as { input: unknown }).input === 'string';
      for (const [k, x] of Object.entries(v)) {
        if (isParam && k === 'value') o[k] = applyToParamValue(x as string, r);
        else if (isWhen && k === 'input') o[k] = applyReplacementsAsString(x as string, r);
        else o[k] = visit(x);
      }
      return o;
    }
    return v;
  };
  return visit(value) as T;
}

/** The expression when `s` is exactly one reference `$(expr)`. */
export function wholeRef(s: string): string | undefined {
  if (!s.startsWith('$(') || !s.endsWith(')')) return undefined;
  const inner = s.slice(2, -1);
  if (inner.includes('$(') || inner.includes(')')) return undefined;
  return inner;
}
