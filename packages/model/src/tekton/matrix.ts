/**
 * Matrix fan-out (`pkg/apis/pipeline/v1/matrix_types.go` FanOut): cartesian product of
 * `matrix.params` with the *first* param varying fastest, then `include` entries merged into
 * the combinations they do not contradict, then appended when they share no name=value pair.
 */
import type { Matrix, ParamValue } from '../types/tekton.js';

/** One combination: param name → string value, in insertion order. */
export type Combination = Map<string, string>;

/** Tekton's default-max-matrix-combinations-count. */
export const MAX_MATRIX_COMBINATIONS = 256;

function asStrings(v: ParamValue): string[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  return Object.values(v);
}

function asString(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function includeCombinations(m: Matrix): Combination[] {
  return (m.include ?? []).map((inc) => new Map((inc.params ?? []).map((p) => [p.name, asString(p.value)])));
}

export function hasMatrix(m: Matrix | undefined): m is Matrix {
  return !!m && ((m.params?.length ?? 0) > 0 || (m.include?.length ?? 0) > 0);
}

/** The combinations, in TaskRun order (index i ⇒ TaskRun `<pr>-<pt>-<i>`). */
export function fanOut(m: Matrix): Combination[] {
  const includes = includeCombinations(m);
  const params = m.params ?? [];
  if (includes.length > 0 && params.length === 0) return includes;
  let combos: Combination[] = [];
  for (const p of params) {
    const values = asStrings(p.value);
    if (combos.length === 0) {
      combos = values.map((v) => new Map([[p.name, v]]));
    } else {
      const expanded: Combination[] = [];
      for (const v of values) {
        for (const c of combos) {
          const n = new Map(c);
          n.set(p.name, v);
          expanded.push(n);
        }
      }
      combos = expanded;
    }
  }
  for (const c of combos) {
    for (const inc of includes) {
      let contains = true;
      for (const [k, v] of inc) if (c.has(k) && c.get(k) !== v) contains = false;
      if (contains) for (const [k, v] of inc) c.set(k, v);
    }
  }
  for (const inc of includes) {
    if (inc.size === 0) continue;
    const shares = combos.some((c) => [...inc].some(([k, v]) => c.get(k) === v));
    if (!shares) combos.push(inc);
  }
  return combos;
}

/** Count without materialising huge products (for the 256 limit). */
export function combinationCount(m: Matrix): number {
  const params = m.params ?? [];
  const includes = includeCombinations(m);
  if (params.length === 0) return includes.length;
  let product = 1;
  for (const p of params) product *= asStrings(p.value).length;
  if (product > MAX_MATRIX_COMBINATIONS * 4) return product;
  return fanOut(m).length;
}

/**
 * The count the webhook / pipelineSpec.Validate sees (matrix_types.go CountCombinations on the spec before
 * substitution): a matrix param that is not yet an array (`$(params.x)`, `$(tasks.t.results.r[*])`) has no elements.
 */
export function staticCombinationCount(m: Matrix): number {
  const literal: Matrix = { ...m, ...(m.params ? { params: m.params.map((p) => (Array.isArray(p.value) ? p : { ...p, value: [] })) } : {}) };
  return combinationCount(literal);
}

/** Whether some matrix param is an empty array (⇒ the whole task is skipped). */
export function hasEmptyMatrixParam(m: Matrix): boolean {
  return (m.params ?? []).some((p) => Array.isArray(p.value) && p.value.length === 0);
}

/** TaskRun names: `<pr>-<pt>-<i>`, or `<pr>-<pt>` when there is exactly one combination. */
export function matrixTaskRunNames(base: string, count: number): string[] {
  if (count === 1) return [base];
  return Array.from({ length: count }, (_, i) => `${base}-${i}`);
}
