/**
 * validate_params.go ValidateParameterTypesInMatrix, run by pipelinerun.go runNextSchedulableTask
 * before a matrixed pipeline task's TaskRuns are created. It walks the whole PipelineRun state, not
 * only the task being started: `matrix.include` params must be strings and `matrix.params` arrays,
 * as resolved so far (a `$(tasks.t.results.r[*])` whose producer has not finished is still a string).
 */
import type { ParamValue, PipelineTask } from '@plumbing/model';

function goType(v: ParamValue): string {
  if (typeof v === 'string') return 'string';
  return Array.isArray(v) ? 'array' : 'object';
}

/** The error text of the first offending param, in state order (tasks, then finally), or undefined. */
export function matrixTypeError(state: readonly PipelineTask[]): string | undefined {
  for (const pt of state) {
    const m = pt.matrix;
    if (!m) continue;
    for (const inc of m.include ?? []) {
      for (const p of inc.params ?? []) {
        if (typeof p.value !== 'string') return `parameters of type string only are allowed, but param ${p.name} has type ${goType(p.value)}`;
      }
    }
    for (const p of m.params ?? []) {
      if (!Array.isArray(p.value)) return `parameters of type array only are allowed, but param ${p.name} has type ${goType(p.value)}`;
    }
  }
  return undefined;
}
