/** Pipeline task `when` expressions (docs/tekton-semantics.md §9; `when_validation.go`). */
import type { DocContext } from '../../check/rule.js';
import { isMap } from '../../yaml/values.js';
import type { PipelineModel } from '../pipeline/pipeline-model.js';
import { celCompileError } from '../../tekton/cel.js';

const OPERATORS = new Set(['in', 'notin']);

export function checkWhen(ctx: DocContext, m: PipelineModel): void {
  for (const t of m.tasks) {
    const when = t.value.when;
    if (when === undefined || when === null) continue;
    const wp = [...t.path, 'when'];
    if (!Array.isArray(when)) {
      ctx.report('WHEN_INVALID', wp, 'when must be a list of expressions');
      continue;
    }
    when.forEach((w, i) => {
      const p = [...wp, i];
      if (!isMap(w) || Object.keys(w).length === 0) {
        ctx.report('WHEN_INVALID', p, 'missing field(s): an empty when expression');
        return;
      }
      if (w.cel !== undefined) {
        ctx.report('FEATURE_FLAG_REQUIRED', [...p, 'cel'], 'CEL in when expressions is an alpha feature', { key: true, hint: 'set enable-cel-in-whenexpression: "true" in the feature-flags ConfigMap', gate: { flag: 'enable-cel-in-whenexpression' } });
        if (w.input !== undefined || w.operator !== undefined || w.values !== undefined) {
          const k = w.input !== undefined ? 'input' : w.operator !== undefined ? 'operator' : 'values';
          ctx.report('WHEN_INVALID', [...p, k], 'cel and input+operator+values cannot be set in one when expression', { key: true });
          return;
        }
        if (typeof w.cel !== 'string') {
          ctx.report('WHEN_INVALID', [...p, 'cel'], 'cel must be a string expression');
          return;
        }
        const err = celCompileError(w.cel);
        if (err) ctx.report('WHEN_INVALID', [...p, 'cel'], `CEL expression does not compile: ${err}`);
        return;
      }
      if (typeof w.operator !== 'string' || !OPERATORS.has(w.operator)) {
        ctx.report('WHEN_INVALID', w.operator === undefined ? p : [...p, 'operator'], `operator "${w.operator === undefined ? '' : String(w.operator)}" is not recognized. valid operators: in,notin`);
        return;
      }
      if (w.input !== undefined && w.input !== null && typeof w.input !== 'string') {
        ctx.report('WHEN_INVALID', [...p, 'input'], 'when input must be a string');
        return;
      }
      if (!Array.isArray(w.values) || w.values.length === 0) {
        ctx.report('WHEN_INVALID', w.values === undefined ? p : [...p, 'values'], 'expecting non-empty values field', { key: w.values !== undefined });
        return;
      }
      w.values.forEach((v, j) => {
        if (typeof v !== 'string') ctx.report('WHEN_INVALID', [...p, 'values', j], 'when values must be strings (quote numbers and booleans)');
      });
    });
  }
}
