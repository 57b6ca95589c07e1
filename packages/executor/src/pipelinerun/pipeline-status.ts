/**
 * The PipelineRun's final condition (§13; `pipelinerunstate.go` GetPipelineConditionStatus and
 * getPipelineTasksCount): one count per pipeline task (a matrixed task counts once).
 */
import { type Condition, formatGoDuration } from '@plumbing/model';

/**
 * `timedOut`: cancelled by a pipeline/tasks/finally timeout (isCancelledForTimeOut), which
 * getPipelineTasksCount counts as a failure, not as a cancellation.
 */
export type PipelineTaskOutcome = 'succeeded' | 'failed' | 'ignored' | 'cancelled' | 'timedOut' | 'skipped' | 'validationFailed';

/** Skip reasons (`pipelinerun_types.go` SkippingReason). */
export const SkipReason = {
  Stopping: 'PipelineRun was stopping',
  GracefullyCancelled: 'PipelineRun was gracefully cancelled',
  GracefullyStopped: 'PipelineRun was gracefully stopped',
  WhenExpressions: 'When Expressions evaluated to false',
  ParentTasks: 'Parent Tasks were skipped',
  MissingResults: 'Results were missing',
  PipelineTimedOut: 'PipelineRun timeout has been reached',
  TasksTimedOut: 'PipelineRun Tasks timeout has been reached',
  FinallyTimedOut: 'PipelineRun Finally timeout has been reached',
  EmptyMatrixArray: 'Matrix Parameters have an empty array',
} as const;

const TIMEOUT_SKIPS: readonly string[] = [SkipReason.PipelineTimedOut, SkipReason.TasksTimedOut, SkipReason.FinallyTimedOut];

export interface TaskOutcomeSummary {
  outcome: PipelineTaskOutcome;
  skipReason?: string;
  validationMessage?: string;
}

export interface StatusCounts {
  succeeded: number;
  failed: number;
  ignored: number;
  cancelled: number;
  skipped: number;
  skippedDueToTimeout: number;
  validationFailed: number;
}

export function countOutcomes(tasks: readonly TaskOutcomeSummary[]): StatusCounts {
  const c: StatusCounts = { succeeded: 0, failed: 0, ignored: 0, cancelled: 0, skipped: 0, skippedDueToTimeout: 0, validationFailed: 0 };
  for (const t of tasks) {
    switch (t.outcome) {
      case 'succeeded':
        c.succeeded++;
        break;
      case 'validationFailed':
        c.validationFailed++;
        break;
      case 'cancelled':
        c.cancelled++;
        break;
      case 'failed':
      case 'timedOut':
        c.failed++;
        break;
      case 'ignored':
        c.ignored++;
        break;
      case 'skipped':
        c.skipped++;
        if (t.skipReason && TIMEOUT_SKIPS.includes(t.skipReason)) c.skippedDueToTimeout++;
        break;
    }
  }
  return c;
}

/** `Tasks Completed: N (Failed: F[ (Ignored: k)], Cancelled C), Skipped: S[, Failed Validation: V (msg)]`. */
export function tasksMessage(tasks: readonly TaskOutcomeSummary[]): string {
  const c = countOutcomes(tasks);
  const completed = c.succeeded + c.failed + c.cancelled + c.ignored;
  const ignored = c.ignored > 0 ? ` (Ignored: ${c.ignored})` : '';
  let msg = `Tasks Completed: ${completed} (Failed: ${c.failed + c.ignored}${ignored}, Cancelled ${c.cancelled}), Skipped: ${c.skipped}`;
  if (c.validationFailed > 0) {
    const why = tasks.filter((t) => t.outcome === 'validationFailed' && t.validationMessage).map((t) => t.validationMessage);
    msg += `, Failed Validation: ${c.validationFailed}${why.length > 0 ? ` (${why.join('; ')})` : ''}`;
  }
  return msg;
}

export interface FinishFacts {
  pipelineRunName: string;
  /** Set when that timeout fired, with its configured duration. */
  pipelineTimedOutMs?: number;
  tasksTimedOutMs?: number;
  /** spec.status CancelledRunFinally / StoppedRunFinally was requested. */
  graceful?: boolean;
}

/**
 * The final `Succeeded` condition once every pipeline task is done (pipelinerunstate.go
 * GetPipelineConditionStatus): the pipeline timeout (HasTimedOut), then the tasks timeout
 * (HaveTasksTimedOut), then the counts. A finally timeout has no message of its own: the finally
 * TaskRuns it cancelled count as failures (isCancelledForTimeOut), so the run ends `Failed`.
 */
export function finalCondition(tasks: readonly TaskOutcomeSummary[], f: FinishFacts): Omit<Condition, 'lastTransitionTime'> {
  const name = JSON.stringify(f.pipelineRunName);
  if (f.pipelineTimedOutMs !== undefined) {
    return { type: 'Succeeded', status: 'False', reason: 'PipelineRunTimeout', message: `PipelineRun ${name} failed to finish within ${JSON.stringify(formatGoDuration(f.pipelineTimedOutMs))}` };
  }
  if (f.tasksTimedOutMs !== undefined) {
    return {
      type: 'Succeeded',
      status: 'False',
      reason: 'PipelineRunTimeout',
      message: `PipelineRun ${name} failed due to tasks failed to finish within ${JSON.stringify(formatGoDuration(f.tasksTimedOutMs))}`,
    };
  }
  const c = countOutcomes(tasks);
  const message = tasksMessage(tasks);
  if (c.validationFailed > 0) return { type: 'Succeeded', status: 'False', reason: 'PipelineValidationFailed', message };
  if (c.failed > 0 || c.skippedDueToTimeout > 0) return { type: 'Succeeded', status: 'False', reason: 'Failed', message };
  if (f.graceful) return { type: 'Succeeded', status: 'False', reason: 'Cancelled', message: `PipelineRun ${name} was cancelled` };
  if (c.cancelled > 0) return { type: 'Succeeded', status: 'False', reason: 'Cancelled', message };
  if (c.skipped > 0) return { type: 'Succeeded', status: 'True', reason: 'Completed', message };
  return { type: 'Succeeded', status: 'True', reason: 'Succeeded', message };
}

/** What GetPipelineConditionStatus needs while tasks are still incomplete. */
export interface RunningFacts {
  /** Pipeline tasks (DAG and finally) not done yet. */
  incomplete: number;
  graceful?: 'CancelledRunFinally' | 'StoppedRunFinally' | undefined;
  /** checkFinalTasksDone: every finally task is done (true when there are none). */
  finallyDone: boolean;
}

/**
 * The `Unknown` condition while running (pipelinerunstate.go GetPipelineConditionStatus, the
 * "not all tasks have finished" branch): Running, CancelledRunningFinally, StoppedRunningFinally,
 * or PipelineRunStopping once a task was cancelled or a task failed and no finally task is left.
 */
export function runningCondition(tasks: readonly TaskOutcomeSummary[], f: RunningFacts): Omit<Condition, 'lastTransitionTime'> {
  const c = countOutcomes(tasks);
  let reason = 'Running';
  if (f.graceful === 'CancelledRunFinally') reason = 'CancelledRunningFinally';
  else if (f.graceful === 'StoppedRunFinally') reason = 'StoppedRunningFinally';
  else if (c.cancelled > 0 || (c.failed > 0 && f.finallyDone)) reason = 'PipelineRunStopping';
  const completed = c.succeeded + c.failed + c.cancelled + c.ignored;
  return {
    type: 'Succeeded',
    status: 'Unknown',
    reason,
    message: `Tasks Completed: ${completed} (Failed: ${c.failed}, Cancelled ${c.cancelled}), Incomplete: ${f.incomplete}, Skipped: ${c.skipped}`,
  };
}
