/**
 * The PipelineRun's final status once nothing runs any more (pipelinerun.go's last reconcile):
 * skip reasons recomputed, the Succeeded condition, the pipeline results, child references.
 */
import type { Condition } from '@plumbing/model';
import type { PipelineRunStatus } from '../contracts.js';
import { type PipelineResultsOutcome, resolvePipelineResults } from './pipeline-results.js';
import { finalCondition, SkipReason } from './pipeline-status.js';
import { isStopping, type RunState, summaryOf } from './reconcile-state.js';

/** Tekton recomputes skip reasons on its last reconcile: stopping and graceful cancellation win. */
function recomputeSkipReasons(s: RunState): void {
  const finalSkip = isStopping(s)
    ? SkipReason.Stopping
    : s.graceful === 'CancelledRunFinally'
      ? SkipReason.GracefullyCancelled
      : s.graceful === 'StoppedRunFinally'
        ? SkipReason.GracefullyStopped
        : undefined;
  if (!finalSkip) return;
  for (const n of s.dagNodes) {
    if (n.outcome !== 'skipped') continue;
    n.skipReason = finalSkip;
    delete n.skipWhen;
  }
}

function succeededCondition(s: RunState): Omit<Condition, 'lastTransitionTime'> {
  if (s.permanent) return { type: 'Succeeded', status: 'False', ...s.permanent };
  if (s.cancelled) return { type: 'Succeeded', status: 'False', reason: 'Cancelled', message: `PipelineRun ${JSON.stringify(s.req.name)} was cancelled` };
  const summaries = s.nodes.filter((n) => n.state === 'done' && n.outcome).map(summaryOf);
  return finalCondition(summaries, {
    pipelineRunName: s.req.name,
    ...(s.pipelineTimedOut ? { pipelineTimedOutMs: s.pipelineMs } : {}),
    ...(s.tasksTimedOut && s.tasksMs !== undefined ? { tasksTimedOutMs: s.tasksMs } : {}),
    graceful: s.graceful !== undefined,
  });
}

/** Pipeline results; a permanent (reconcile-time) failure returns before they are computed. */
function pipelineResults(s: RunState): PipelineResultsOutcome {
  if (s.permanent) return { values: [], invalid: [] };
  return resolvePipelineResults(s.req.spec.results, (root, task) => {
    const n = s.byName.get(task);
    if (!n || (root === 'finally') !== n.isFinally) return undefined;
    return { succeeded: n.outcome === 'succeeded', results: n.results };
  });
}

export function finishStatus(s: RunState, startTime: string): PipelineRunStatus {
  recomputeSkipReasons(s);
  let condition = succeededCondition(s);
  const pr = pipelineResults(s);
  if (pr.invalid.length > 0) {
    condition = {
      type: 'Succeeded',
      status: 'False',
      reason: 'CouldntGetPipelineResult',
      message: `Failed to get PipelineResult from TaskRun Results for PipelineRun ${s.req.name}: invalid pipelineresults [${pr.invalid.join(' ')}], the referenced results don't exist`,
    };
  }
  const skippedTasks: PipelineRunStatus['skippedTasks'] = s.nodes
    .filter((n) => n.outcome === 'skipped')
    .map((n) => ({ name: n.name, reason: n.skipReason ?? '', ...(n.skipWhen ? { whenExpressions: n.skipWhen } : {}) }));
  const status: PipelineRunStatus = {
    conditions: [{ ...condition, lastTransitionTime: s.iso() }],
    startTime,
    completionTime: s.iso(),
    childReferences: s.childReferences,
    results: pr.values,
    skippedTasks,
    taskRuns: s.nodes.flatMap((n) => n.runs),
    pipelineSpec: s.req.spec,
  };
  if (s.childPipelineRuns.length > 0) status.pipelineRuns = s.childPipelineRuns;
  s.emitCondition(status.conditions[0] as Condition);
  return status;
}
