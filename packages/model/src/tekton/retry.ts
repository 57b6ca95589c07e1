/**
 * Which tasks of a finished PipelineRun run again on a retry (`/retest` in `plumbing serve`,
 * `plumbing run --retry-failed`), and which are reused. No Tekton controller does this
 * (tektoncd/pipeline#50); the rule follows Tekton's own outcomes: a task that succeeded, or that
 * its own `when` skipped, would do the same again with the same inputs, so it is reused; every
 * other DAG task (failed, cancelled, timed out, skipped because of a failure, never started) runs
 * again, and so does every task that depends on one that runs again (its inputs may change), and
 * every `finally` task (it reports on the run as a whole).
 */

/** Tekton's skip reason for a task skipped by its own `when` (pipelinerun_types.go WhenExpressionsSkip). */
export const WHEN_SKIPPED = 'When Expressions evaluated to false';

export interface RetryTaskFacts {
  name: string;
  /** `succeeded`, `skipped`, or anything else (failed, cancelled, timed-out, not-run, ...). */
  state: string;
  /** Tekton's skip reason, for a skipped task. */
  skipReason?: string;
  /** A `finally` task. */
  finally?: boolean;
}

export interface RetryDecision {
  /** Tasks that run again, in the order given. */
  rerun: string[];
  /** Tasks whose outcome, results and workspace contents are kept, in the order given. */
  reuse: string[];
}

/**
 * The retry decision. `parents` (task → the tasks it depends on: `runAfter` and result
 * references), when known, makes the dependents of a rerun task rerun too.
 */
export function decideRetry(tasks: readonly RetryTaskFacts[], parents?: ReadonlyMap<string, readonly string[]>): RetryDecision {
  const rerun = new Set(tasks.filter((t) => t.finally || !(t.state === 'succeeded' || (t.state === 'skipped' && t.skipReason === WHEN_SKIPPED))).map((t) => t.name));
  if (parents) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of tasks) {
        if (rerun.has(t.name)) continue;
        if ((parents.get(t.name) ?? []).some((p) => rerun.has(p))) {
          rerun.add(t.name);
          grew = true;
        }
      }
    }
  }
  return { rerun: tasks.filter((t) => rerun.has(t.name)).map((t) => t.name), reuse: tasks.filter((t) => !rerun.has(t.name)).map((t) => t.name) };
}
