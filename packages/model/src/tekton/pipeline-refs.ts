/** Pipeline-level `$(params.x)` references (pipeline_validation.go validatePipelineParameterVariables). */
import type { PipelineSpec, PipelineTask } from '../types/tekton.js';
import { scanRefs } from './refs.js';

/**
 * The strings of a pipeline task whose `$(params.x)` must be a pipeline param: its params, its matrix's
 * params and include params, and when (validatePipelineParametersVariables). Not displayName, an
 * include's name, taskRef params or workspaces: there a matrix param's name is valid too
 * (`displayName: "$(params.platform)"` with `platform` in the matrix).
 */
function pipelineLevel(pt: PipelineTask): unknown[] {
  const include = (pt.matrix?.include ?? []).map((inc) => inc.params);
  return [pt.params, pt.matrix?.params, include, pt.when];
}

function strings(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') {
    if (v.includes('$(')) out.push(v);
  } else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** The names of params that a pipeline's tasks and finally tasks reference but it does not declare. */
export function undeclaredPipelineParams(spec: PipelineSpec): string[] {
  const declared = new Set((spec.params ?? []).map((p) => p.name));
  const found = new Set<string>();
  const all = [...(spec.tasks ?? []), ...(spec.finally ?? [])].flatMap(pipelineLevel);
  for (const s of strings(all, [])) {
    for (const ref of scanRefs(s)) {
      const [root, name, ...rest] = ref.segments;
      if (root !== 'params' || name === undefined) continue;
      if (!declared.has(name) && !declared.has([name, ...rest].join('.'))) found.add(name);
    }
  }
  return [...found];
}
