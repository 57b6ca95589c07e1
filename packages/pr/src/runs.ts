import { decideRetry, WHEN_SKIPPED } from '@plumbing/model';

// The facts of stored runs this package decides from (the service's store gathers them): a run
// per job and commit, its tasks with their outcome, and the tail of the failing step's log.

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export type TaskState = 'succeeded' | 'failed' | 'cancelled' | 'timed-out' | 'skipped' | 'running' | 'pending' | 'not-run';

export interface TaskFacts {
  name: string;
  state: TaskState;
  /** Tekton's skip reason (e.g. "When Expressions evaluated to false", "PipelineRun was stopping"). */
  skipReason?: string;
  /** A `finally` task. */
  finally?: boolean;
  /** Milliseconds, for finished tasks. */
  durationMs?: number;
  /** The step that failed, for a failed task. */
  failedStep?: string;
}

export interface RunFacts {
  /** The run's name (a PipelineRun name). */
  name: string;
  /** The configured job it belongs to (the status context is derived from it). */
  job: string;
  sha: string;
  state: RunState;
  /** The run's page (this service's run page, or a configured URL). */
  url: string;
  /** Queued and held by `/hold` on its pull request: who held it (it starts on `/unhold`). */
  heldBy?: string;
  /** Why it ended as it did (the condition's message), when known. */
  message?: string;
  durationMs?: number;
  /** Ordering among runs of the same job and commit: a higher attempt is newer. */
  attempt?: number;
  tasks: TaskFacts[];
  /** The last lines of the failing step's log (unredacted: reports redact). */
  failingLog?: string;
  /** The rerun command shown in failure reports (default `/test <job>`). */
  rerunCommand?: string;
}

export const isActive = (r: RunFacts) => r.state === 'queued' || r.state === 'running';

/** The newest run of each job for one commit (by attempt, then by order given). */
export function latestPerJob(runs: readonly RunFacts[], sha: string): RunFacts[] {
  const out = new Map<string, RunFacts>();
  for (const r of runs) {
    if (r.sha !== sha) continue;
    const prev = out.get(r.job);
    if (!prev || (r.attempt ?? 0) >= (prev.attempt ?? 0)) out.set(r.job, r);
  }
  return [...out.values()];
}

/** Tekton's reason for a task skipped by its own `when`: its outcome would not change on a rerun (model's tekton/retry.ts). */
export { WHEN_SKIPPED };

export interface RetryPlan {
  run: string;
  job: string;
  /** Tasks to run again: the failed ones, those that never ran or were skipped because of a failure, and every finally task. */
  rerunTasks: string[];
  /** Tasks whose results and workspaces are reused: the succeeded ones and those skipped by their `when`. */
  reuseTasks: string[];
}

/** Which tasks of a failed run run again and which are reused (`/retest`, `plumbing run --retry-failed`). */
export function planRetry(run: RunFacts): RetryPlan {
  const d = decideRetry(run.tasks.map((t) => ({ name: t.name, state: t.state, ...(t.skipReason !== undefined ? { skipReason: t.skipReason } : {}), ...(t.finally ? { finally: true } : {}) })));
  return { run: run.name, job: run.job, rerunTasks: d.rerun, reuseTasks: d.reuse };
}
