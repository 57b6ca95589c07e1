/**
 * Step results as the step wrapper substitutes them when the next step starts
 * (pkg/entrypoint/entrypointer.go applyStepResultSubstitutions / findReplacement,
 * pkg/internal/resultref ParseStepExpression, ParamValue.UnmarshalJSON of the result file):
 * `$(steps.<s>.results.<r>)` is the result's string value (an array or object result has none:
 * ""), `[*]` splices an array into command, args and when values (elsewhere it is ""), `[i]` and
 * `.key` pick one value, and a file holding a JSON string gives that string unquoted. A reference
 * that cannot be resolved (no such step or result) leaves its text as written.
 */
import type { ParamValue } from '../types/tekton.js';

/** `$(steps.<s>.results.<r>...)` (resultref stepResultUsagePattern, non-greedy). */
const STEP_RESULT_REF = /\$\(steps\..*?\.results\..*?\)/g;

/** ParamValue.UnmarshalJSON of a result file's bytes. */
export function parseStepResultFile(text: string): ParamValue {
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(text);
      if (text.startsWith('[') && Array.isArray(v) && v.every((e) => typeof e === 'string')) return v as string[];
      if (text.startsWith('{') && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((e) => typeof e === 'string')) return v as Record<string, string>;
    } catch {
      // a string
    }
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'string') return v;
  } catch {
    // not JSON: the bytes as they are
  }
  return text;
}

/** Raw text of step `<s>`'s result `<r>` file, or undefined when there is none. */
export type StepResultFiles = (step: string, result: string) => string | undefined;

type Replacement = { string: string; array?: undefined } | { string?: undefined; array: string[] };

function findReplacement(ref: string, files: StepResultFiles): Replacement | undefined {
  const parts = ref.slice(2, -1).split('.');
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  const idx = parts.length === 4 ? /\[([^\]]*)\]$/.exec(parts[3]!) : null;
  const resultName = idx ? parts[3]!.slice(0, idx.index) : parts[3]!;
  const raw = files(parts[1]!, resultName);
  if (raw === undefined) return undefined;
  const v = parseStepResultFile(raw);
  if (parts.length === 5) return { string: typeof v === 'object' && !Array.isArray(v) ? (v[parts[4]!] ?? '') : '' };
  if (idx) {
    const arr = Array.isArray(v) ? v : [];
    if (idx[1] === '*') return arr.length ? { array: arr } : { string: '' };
    const i = Number.parseInt(idx[1]!, 10);
    return Number.isInteger(i) && i >= 0 && i < arr.length ? { string: arr[i]! } : undefined;
  }
  return { string: typeof v === 'string' ? v : '' };
}

/** In a string (env value, when input): every reference by its string value; undefined when one cannot be resolved. */
export function applyStepResultsToString(text: string, files: StepResultFiles): string | undefined {
  if (!text.includes('$(steps.')) return text;
  let out = text;
  for (const m of text.match(STEP_RESULT_REF) ?? []) {
    const r = findReplacement(m, files);
    if (!r) return undefined;
    out = out.split(m).join(r.string ?? '');
  }
  return out;
}

/** In a list (command + args, when values): `[*]` as a whole element splices; undefined when a reference cannot be resolved or an array is not alone in its element. */
export function applyStepResultsToList(list: readonly string[], files: StepResultFiles): string[] | undefined {
  const out: string[] = [];
  for (const item of list) {
    let cur = [item];
    for (const m of item.includes('$(steps.') ? (item.match(STEP_RESULT_REF) ?? []) : []) {
      const r = findReplacement(m, files);
      if (!r) return undefined;
      if (r.array) {
        if (item !== m) return undefined;
        cur = r.array;
      } else cur[0] = cur[0]!.split(m).join(r.string);
    }
    out.push(...cur);
  }
  return out;
}
