/** Pipeline-level variables: prefixes, `$(context.*)`, and `$(params.*)` in task params, matrix, when, results, subPath. */
import type { Code } from '../../check/codes.js';
import type { DocContext } from '../../check/rule.js';
import type { PipelineModel, RefSite } from './pipeline-model.js';
import { didYouMean } from '../../check/suggest.js';
import { isMap, mapsOf } from '../../yaml/values.js';

const PIPELINE_PREFIXES = new Set(['params', 'tasks', 'finally', 'context', 'workspaces', 'results']);

/** Context variables by object (docs/tekton-semantics.md §3.4). taskRun/task ones reach the Task through params and are expanded there. */
const CONTEXT_NAMES: Record<string, ReadonlySet<string>> = {
  pipelineRun: new Set(['name', 'namespace', 'uid']),
  pipeline: new Set(['name']),
  pipelineTask: new Set(['retries']),
  taskRun: new Set(['name', 'namespace', 'uid']),
  task: new Set(['name', 'retry-count']),
};

function rep(ctx: DocContext, code: Code, r: RefSite, message: string, hint?: string): void {
  ctx.report(code, r.path, message, { needle: r.ref.text, occurrence: r.occurrence, hint });
}

export function checkPipelineVars(ctx: DocContext, m: PipelineModel): void {
  for (const t of m.tasks) {
    const matrixParams = matrixParamNames(t.value.matrix);
    for (const r of t.refs) {
      // a matrix param names one combination's value in the task's displayName (Tekton substitutes it there)
      if (r.path[r.path.length - 1] === 'displayName' && r.ref.segments[0] === 'params' && matrixParams.has(String(r.ref.segments[1]))) continue;
      checkRef(ctx, m, r);
    }
  }
  for (const r of m.resultRefs) checkRef(ctx, m, r);
}

/** The names of a pipeline task's matrix params and of its matrix include params. */
export function matrixParamNames(matrix: unknown): Set<string> {
  const out = new Set<string>();
  if (!isMap(matrix)) return out;
  for (const [p] of mapsOf(matrix.params)) if (typeof p.name === 'string') out.add(p.name);
  for (const [inc] of mapsOf(matrix.include)) for (const [p] of mapsOf(inc.params)) if (typeof p.name === 'string') out.add(p.name);
  return out;
}

function checkRef(ctx: DocContext, m: PipelineModel, r: RefSite): void {
  const seg = r.ref.segments;
  const root = seg[0] ?? '';
  if (!PIPELINE_PREFIXES.has(root)) {
    rep(ctx, 'INVALID_VARIABLE_PREFIX', r, `invalid variable reference "${r.ref.text}", must start with a valid prefix: params, tasks, finally, context, workspaces, or results`, 'if you meant a shell variable, use $' + '{VAR} instead');
    return;
  }
  if (root === 'context') {
    const obj = seg[1] ?? '';
    const names = CONTEXT_NAMES[obj];
    // Tekton validates only $(context.pipelineRun.*), $(context.pipeline.*) and $(context.pipelineTask.*).
    if (names && (seg.length !== 3 || !names.has(seg[2]!))) {
      const known = names ? [...names].map((n) => `context.${obj}.${n}`).join(', ') : 'context.pipelineRun.{name,namespace,uid}, context.pipeline.name, context.pipelineTask.retries';
      rep(ctx, 'UNKNOWN_CONTEXT_VARIABLE', r, `non-existent variable in "${r.ref.text}"`, `known: ${known}`);
    }
    return;
  }
  if (root === 'params') checkParamRef(ctx, m, r);
}

function checkParamRef(ctx: DocContext, m: PipelineModel, r: RefSite): void {
  const seg = r.ref.segments;
  const name = seg[1];
  if (name === undefined) return;
  let decl = m.params.get(name);
  let rest = seg.slice(2);
  if (!decl && rest.length > 0) {
    // a dotted name written without brackets: $(params.a.b) for param "a.b"
    const joined = seg.slice(1).join('.');
    decl = m.params.get(joined);
    if (decl) rest = [];
  }
  if (!decl) {
    if (m.propagated.has(name)) return;
    rep(ctx, 'UNDEFINED_PARAM_REFERENCE', r, `non-existent variable in "${r.ref.text}": param "${name}" is not declared by the pipeline`, didYouMean(name, m.params.keys(), m.params.size > 0 ? `declared: ${[...m.params.keys()].join(', ')}` : 'declare it under spec.params'));
    return;
  }
  const idx = r.ref.index;
  if (decl.type === 'object' && rest.length === 1) {
    if (decl.keys && !decl.keys.has(rest[0]!)) {
      rep(ctx, 'UNKNOWN_OBJECT_KEY', r, `non-existent variable in "${r.ref.text}": object param "${name}" has no key "${rest[0]}"`, `keys: ${[...decl.keys].join(', ')}`);
    }
    return;
  }
  if (rest.length > 0 || decl.type === 'string') return;
  const wholeRef = idx === undefined || idx === '[*]';
  if (!wholeRef) return; // $(params.a[0]) is a string
  if (r.usage === 'string') {
    rep(ctx, 'ARRAY_PARAM_IN_STRING_CONTEXT', r, `variable type invalid in "${r.ref.text}": ${decl.type} param "${name}" used where a string is needed`, decl.type === 'array' ? `use one element, $(params.${name}[0])` : `use one key, $(params.${name}.<key>)`);
  } else if (!r.whole) {
    rep(ctx, 'ARRAY_PARAM_IN_STRING_CONTEXT', r, `variable is not properly isolated in "${r.ref.text}": a whole ${decl.type} param must be the entire value`, 'put the reference alone in its value or element');
  } else if (decl.type === 'object' && r.usage === 'element') {
    rep(ctx, 'ARRAY_PARAM_IN_STRING_CONTEXT', r, `variable type invalid in "${r.ref.text}": an object param cannot be an array element`);
  }
}
