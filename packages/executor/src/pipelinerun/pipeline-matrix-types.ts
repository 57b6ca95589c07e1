/**
 * validate_params.go ValidateParameterTypesInMatrix, run by pipelinerun.go runNextSchedulableTask
 * before a matrixed pipeline task's TaskRuns are created. It walks the whole PipelineRun state, not
 * only the task being started: `matrix.include` params must be strings and `matrix.params` arrays,
 * as resolved so far; a `$(tasks.t.results.r[*])` still unresolved (its producer has not finished) is let through.
 * Also the enum check createTaskRuns makes on each TaskRun's params.
 */
import { type Combination, type ParamValue, type PipelineTask, refsIn, type TaskSpec } from '@plumbing/model';

/** resultref.go LooksLikeResultRef over a param's expressions: `$(tasks.t.results.r...)` or `$(finally...)`. */
function looksLikeResultRef(v: ParamValue): boolean {
  if (typeof v !== 'string') return false;
  return refsIn(v).some((r) => (r.segments[0] === 'tasks' || r.segments[0] === 'finally') && r.segments[2] === 'results');
}

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
      // a whole result of a producer not yet substituted (a matrixed one's aggregate `[*]`) is let through
      if (!Array.isArray(p.value) && !looksLikeResultRef(p.value)) return `parameters of type array only are allowed, but param ${p.name} has type ${goType(p.value)}`;
    }
  }
  return undefined;
}

/**
 * pipelinerun.go createTaskRuns (enable-param-enum): before any TaskRun of a pipeline task is created,
 * each TaskRun's params (its matrix combination, then the pipeline task's params) go through
 * validate_taskrun.go ValidateEnumParam against the resolved Task's params: non-empty strings only.
 * Returns the whole condition message (wrapped as a user error), or undefined.
 */
export function pipelineTaskEnumError(pt: PipelineTask, spec: TaskSpec, combos: readonly Combination[] | undefined): string | undefined {
  const enums = new Map((spec.params ?? []).filter((p) => p.enum && p.enum.length > 0).map((p) => [p.name, p.enum as string[]]));
  if (enums.size === 0) return undefined;
  for (const combo of combos ?? [undefined]) {
    const params: { name: string; value: ParamValue }[] = [...(combo ? [...combo].map(([name, value]) => ({ name, value })) : []), ...(pt.params ?? [])];
    for (const p of params) {
      const allowed = enums.get(p.name);
      if (!allowed || typeof p.value !== 'string' || p.value === '') continue;
      if (!allowed.includes(p.value)) return `[User error] Invalid param value from PipelineTask "${pt.name}": param \`${p.name}\` value: ${p.value} is not in the enum list`;
    }
  }
  return undefined;
}
