/**
 * Pipeline when expressions (`pkg/apis/pipeline/v1/when_types.go`): a task runs iff every
 * expression is true. `in`: the input equals one of the values; `notin`: none; `cel`: see cel.ts.
 */
import type { WhenExpression } from '../types/tekton.js';
import { evaluateCel } from './cel.js';

export type WhenOutcome = { ok: true; allowed: boolean } | { ok: false; message: string };

export function evaluateWhenExpression(w: WhenExpression): WhenOutcome {
  if (w.cel !== undefined && w.cel !== '') {
    const r = evaluateCel(w.cel);
    return r.ok ? { ok: true, allowed: r.value } : { ok: false, message: r.message };
  }
  if (w.operator !== 'in' && w.operator !== 'notin') return { ok: false, message: `operator "${String(w.operator ?? '')}" is not recognized. valid operators: in,notin` };
  const values = w.values ?? [];
  const input = w.input ?? '';
  const found = values.includes(input);
  return { ok: true, allowed: w.operator === 'notin' ? !found : found };
}

/** All expressions must allow execution; the first CEL error wins. */
export function evaluateWhen(whens: readonly WhenExpression[] | undefined): WhenOutcome {
  let allowed = true;
  for (const w of whens ?? []) {
    const r = evaluateWhenExpression(w);
    if (!r.ok) return r;
    if (!r.allowed) allowed = false;
  }
  return { ok: true, allowed };
}
