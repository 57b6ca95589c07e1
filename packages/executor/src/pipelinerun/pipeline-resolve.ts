/**
 * The per-task substitution stages of §3.3, applied when a pipeline task becomes schedulable:
 * results of finished parents, pipeline-task contexts, then (finally only) execution status;
 * plus the detection of result references that cannot be resolved (§5.2).
 */
import { type Artifacts, mergeArtifacts, type ParamValue, type PipelineTask, refsIn, resultRefSources, taskArtifactReplacements } from '@plumbing/model';
import type { ChildTaskRun } from '../contracts.js';
import type { PipelineTaskOutcome } from './pipeline-status.js';
import { SkipReason } from './pipeline-status.js';
import { type Replacements, resultsTable, stringsTable, substDeep } from './pipeline-vars.js';

/** What the engine knows about a pipeline task, as far as other tasks can see it. */
export interface TaskFacts {
  name: string;
  isFinally: boolean;
  outcome?: PipelineTaskOutcome;
  skipReason?: string;
  runs: ChildTaskRun[];
  /** Result name → value (aggregated arrays for a matrixed task). */
  results: Map<string, ParamValue>;
  matrixLength?: number;
  /** `$(tasks.<t>.reason)`. */
  reason?: string;
}

export interface MissingResult {
  producer: string;
  result: string;
  producerSkippedByWhen: boolean;
}

export interface ResolvedForRun {
  pt: PipelineTask;
  missing: MissingResult[];
  /** `couldn't resolve all references: array Result Index ...` */
  indexError?: string;
}

/** `context.pipelineTask.retries`, `tasks.<t>.matrix.length`, `tasks.<t>.matrix.<r>.length` (ApplyPipelineTaskContexts). */
function contextTable(pt: PipelineTask, byName: ReadonlyMap<string, TaskFacts>): Replacements {
  const entries: [string, string][] = [['context.pipelineTask.retries', String(pt.retries ?? 0)]];
  for (const t of byName.values()) {
    if (t.matrixLength === undefined) continue;
    entries.push([`tasks.${t.name}.matrix.length`, String(t.matrixLength)]);
    for (const [r, v] of t.results) if (Array.isArray(v)) entries.push([`tasks.${t.name}.matrix.${r}.length`, String(v.length)]);
  }
  return stringsTable(entries);
}

/** `tasks.<t>.status`: Succeeded if all its TaskRuns succeeded, Failed if any failed (ignored and cancelled included), else None. */
export function taskExecutionStatus(t: TaskFacts): 'Succeeded' | 'Failed' | 'None' {
  // a validation-failed task has no TaskRun: None (GetPipelineTaskStatus looks at TaskRuns only)
  if (t.runs.length === 0) return 'None';
  const conds = t.runs.map((r) => r.status.conditions.find((c) => c.type === 'Succeeded'));
  if (conds.every((c) => c?.status === 'True')) return 'Succeeded';
  if (conds.some((c) => c?.status === 'False')) return 'Failed';
  return 'None';
}

/** `tasks.status` (all DAG tasks are done when finally runs). */
export function aggregateStatus(dag: readonly TaskFacts[]): 'Succeeded' | 'Failed' | 'Completed' | 'None' {
  if (dag.some((t) => t.outcome === undefined)) return 'None';
  if (dag.some((t) => taskExecutionStatus(t) === 'Failed')) return 'Failed';
  if (dag.some((t) => t.outcome === 'skipped')) return 'Completed';
  return 'Succeeded';
}

function statusTable(dag: readonly TaskFacts[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const t of dag) {
    table.set(`tasks.${t.name}.status`, taskExecutionStatus(t));
    table.set(`tasks.${t.name}.reason`, t.reason ?? '');
  }
  table.set('tasks.status', aggregateStatus(dag));
  return table;
}

function findMissing(pt: PipelineTask, byName: ReadonlyMap<string, TaskFacts>): { missing: MissingResult[]; indexError?: string } {
  const missing: MissingResult[] = [];
  let indexError: string | undefined;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('$(')) return;
      for (const r of refsIn(v)) {
        if (r.segments[0] !== 'tasks' || r.segments[2] !== 'results') continue;
        const producer = r.segments[1] ?? '';
        const result = r.segments[3] ?? '';
        const t = byName.get(producer);
        if (!t) continue;
        const value = t.outcome === 'skipped' ? undefined : t.results.get(result);
        const key = r.segments[4];
        const keyMissing = key !== undefined && value !== undefined && (typeof value !== 'object' || Array.isArray(value) || value[key] === undefined);
        if (value === undefined || keyMissing) {
          if (!missing.some((m) => m.producer === producer && m.result === result)) {
            missing.push({ producer, result, producerSkippedByWhen: t.outcome === 'skipped' && t.skipReason === SkipReason.WhenExpressions });
          }
          continue;
        }
        if (r.index !== undefined && r.index !== '[*]' && Array.isArray(value)) {
          const i = Number(r.index.slice(1, -1));
          if (!Number.isInteger(i) || i < 0 || i >= value.length) {
            indexError ??= `couldn't resolve all references: array Result Index ${r.index.slice(1, -1)} for Task ${producer} Result ${result} is out of bound of size ${value.length}`;
          }
        }
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(resultRefSources(pt));
  return indexError === undefined ? { missing } : { missing, indexError };
}

/**
 * `$(tasks.<t>.inputs|outputs[.<a>])` of the tasks that ran (succeeded or failed), as
 * PropagateArtifacts gives them: a matrixed task's TaskRuns' artifacts merged (GetTaskRunsArtifacts).
 */
export function artifactsTable(facts: Iterable<TaskFacts>): Replacements {
  const byTask = new Map<string, Artifacts | undefined>();
  for (const t of facts) {
    if (t.outcome === undefined || t.outcome === 'skipped' || !t.runs.length) continue;
    byTask.set(t.name, t.runs.length > 1 ? t.runs.reduce<Artifacts>((acc, r) => mergeArtifacts(acc, r.status.artifacts), {}) : t.runs[0]!.status.artifacts);
  }
  return stringsTable(taskArtifactReplacements(byTask));
}

/**
 * Applies the scheduling-time stages to a pipeline task. `dagForStatus` is given for finally
 * tasks: their params and when expressions also see `tasks.<t>.status|reason` and `tasks.status`.
 */
export function resolveForRun(pt: PipelineTask, byName: ReadonlyMap<string, TaskFacts>, dagForStatus: readonly TaskFacts[] | undefined): ResolvedForRun {
  const found = findMissing(pt, byName);
  const done = [...byName.values()].filter((t) => t.outcome !== undefined && t.outcome !== 'skipped');
  let out = substDeep(pt, resultsTable(done));
  out = substDeep(out, artifactsTable(byName.values()));
  out = substDeep(out, contextTable(out, byName));
  if (dagForStatus) {
    const status = stringsTable(statusTable(dagForStatus));
    out = { ...out };
    if (out.params) out.params = substDeep(out.params, status);
    if (out.when) out.when = substDeep(out.when, status);
  }
  return { pt: out, ...found };
}
