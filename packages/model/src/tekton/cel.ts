/**
 * CEL in `when: [{cel: ...}]`, through @marcbachmann/cel-js. Tekton evaluates the *substituted*
 * string in an environment without variables (`pipelinerunresolution.go` EvaluateCEL), and
 * anything but a boolean is an error (docs/tekton-semantics.md, "When expressions").
 */
import { createRequire } from 'node:module';
import { scanRefs } from './refs.js';

type CelJs = typeof import('@marcbachmann/cel-js');
let celJs: CelJs | undefined;
/**
 * cel-js, loaded on the first expression: most repositories have no CEL, and its modules cost
 * every `plumbing check` start-up time. (Node 20.19+ requires an ES module synchronously.)
 */
function cel(): CelJs {
  celJs ??= createRequire(import.meta.url)('@marcbachmann/cel-js') as CelJs;
  return celJs;
}

export type CelOutcome = { ok: true; value: boolean } | { ok: false; message: string };

const firstLine = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));

/** Evaluates one (substituted) CEL expression; anything but a boolean is an error, as in Tekton. */
export function evaluateCel(expression: string): CelOutcome {
  let out: unknown;
  try {
    out = cel().evaluate(expression, {});
  } catch (e) {
    return { ok: false, message: firstLine(e) };
  }
  if (typeof out !== 'boolean') return { ok: false, message: `The CEL expression ${expression} is not evaluated to a boolean` };
  return { ok: true, value: out };
}

/**
 * Why a CEL expression as written in a Pipeline does not compile, or undefined when it does.
 * Its `$(...)` references are not substituted yet: each is read as an identifier, which is
 * what it becomes in a string literal or a number after substitution.
 */
export function celCompileError(expression: string): string | undefined {
  let text = '';
  let from = 0;
  for (const ref of scanRefs(expression)) {
    text += `${expression.slice(from, ref.offset)}${'_'.repeat(ref.text.length)}`;
    from = ref.offset + ref.text.length;
  }
  text += expression.slice(from);
  if (text.trim() === '') return 'empty expression';
  try {
    cel().parse(text);
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}
