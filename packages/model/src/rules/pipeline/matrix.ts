/** Pipeline task `matrix` (docs/tekton-semantics.md, Matrix; `matrix_types.go`, `pipeline_validation.go`). */
import { combinationCount, MAX_MATRIX_COMBINATIONS } from '../../tekton/matrix.js';
import { parseExpr } from '../../tekton/refs.js';
import type { Matrix } from '../../types/tekton.js';
import type { DocContext } from '../../check/rule.js';
import { isMap, mapsOf } from '../../yaml/values.js';
import type { PipelineModel, PTask } from './pipeline-model.js';

function isWholeRef(s: string): boolean {
  const t = s.trim();
  return t.startsWith('$(') && t.endsWith(')') && t.indexOf('$(', 2) < 0;
}

export function checkMatrix(ctx: DocContext, m: PipelineModel): void {
  for (const t of m.tasks) if (t.value.matrix !== undefined && t.value.matrix !== null) checkOne(ctx, m, t);
}

/** A whole reference to a declared string param, which cannot fan out. */
function stringParamRef(m: PipelineModel, s: string): string | undefined {
  const { segments, index } = parseExpr(s.trim().slice(2, -1));
  if (segments[0] !== 'params' || segments.length !== 2 || (index !== undefined && index !== '[*]')) return undefined;
  return m.params.get(segments[1]!)?.type === 'string' ? segments[1] : undefined;
}

function checkOne(ctx: DocContext, m: PipelineModel, t: PTask): void {
  const mp = [...t.path, 'matrix'];
  const matrix = t.value.matrix;
  ctx.report('FEATURE_FLAG_REQUIRED', mp, 'matrix is a beta feature', { key: true, hint: 'enable-api-fields must be "beta" or "alpha" in the feature-flags ConfigMap', gate: { apiFields: 'beta' } });
  if (!isMap(matrix)) {
    ctx.report('MATRIX_INVALID', mp, 'matrix must be a map with params and/or include');
    return;
  }
  const taskParams = new Set<string>();
  for (const [p] of mapsOf(t.value.params)) if (typeof p.name === 'string') taskParams.add(p.name);
  let known = true;
  const seen = new Set<string>();
  for (const [p, i] of mapsOf(matrix.params)) {
    const pp = [...mp, 'params', i];
    const name = p.name;
    if (typeof name === 'string') {
      if (seen.has(name)) ctx.report('DUPLICATE_PARAM', [...pp, 'name'], `parameter names must be unique, the matrix parameter "${name}" is defined more than once`);
      seen.add(name);
      if (taskParams.has(name)) ctx.report('MATRIX_INVALID', [...pp, 'name'], `parameter "${name}" is used in both matrix and params; a parameter must be in one of them`);
    }
    const v = p.value;
    if (Array.isArray(v)) {
      v.forEach((e, j) => {
        if (typeof e !== 'string') ctx.report('MATRIX_INVALID', [...pp, 'value', j], 'matrix param values must be strings');
      });
    } else if (typeof v === 'string' && isWholeRef(v)) {
      known = false; // an array param or result, sized at run time
      const sp = stringParamRef(m, v);
      if (sp) ctx.report('MATRIX_INVALID', [...pp, 'value'], `matrix params must be arrays, but param "${sp}" is a string`);
    } else if (v !== undefined) {
      ctx.report('MATRIX_INVALID', [...pp, 'value'], `matrix params must be arrays, "${String(name)}" is not`, { hint: 'use a list, or a whole array reference such as $(params.x[*])' });
    }
  }
  for (const [inc, i] of mapsOf(matrix.include)) {
    for (const [p, j] of mapsOf(inc.params)) {
      const pp = [...mp, 'include', i, 'params', j];
      if (typeof p.value !== 'string') ctx.report('MATRIX_INVALID', [...pp, 'value'], `parameters of type string only are allowed in matrix include, but "${String(p.name)}" is not a string`);
      if (typeof p.name === 'string' && taskParams.has(p.name)) ctx.report('MATRIX_INVALID', [...pp, 'name'], `parameter "${p.name}" is used in both matrix include and params`);
    }
  }
  const count = known ? combinationCount(literalMatrix(matrix)) : 0;
  if (known && count > MAX_MATRIX_COMBINATIONS) {
    ctx.report('MATRIX_INVALID', mp, `expected 0 <= ${count} <= ${MAX_MATRIX_COMBINATIONS}: the matrix generates too many combinations`, { key: true, hint: 'the limit is default-max-matrix-combinations-count in the config-defaults ConfigMap' });
  }
}

/** The matrix as the executor reads it, from a map whose param values are all literal lists. */
function literalMatrix(matrix: Record<string, unknown>): Matrix {
  const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const params = mapsOf(matrix.params).map(([p]) => ({ name: str(p.name), value: Array.isArray(p.value) ? p.value.map(str) : [] }));
  const include = mapsOf(matrix.include).map(([inc]) => ({ params: mapsOf(inc.params).map(([p]) => ({ name: str(p.name), value: str(p.value) })) }));
  return { params, include };
}
