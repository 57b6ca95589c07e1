/**
 * CEL for `when: [{cel: ...}]` (Tekton evaluates the *substituted* string in an environment
 * without variables: `pipelinerunresolution.go` EvaluateCEL). Backed by @marcbachmann/cel-js.
 */
import { evaluate } from '@marcbachmann/cel-js';

export type CelOutcome = { ok: true; value: boolean } | { ok: false; message: string };

/** Evaluates one CEL expression; anything but a boolean is an error, as in Tekton. */
export function evaluateCel(expression: string): CelOutcome {
  let out: unknown;
  try {
    out = evaluate(expression, {});
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e) };
  }
  if (typeof out !== 'boolean') return { ok: false, message: `The CEL expression ${expression} is not evaluated to a boolean` };
  return { ok: true, value: out };
}
