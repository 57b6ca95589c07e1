/**
 * Helpers of the PipelineRun engine kept apart from its scheduling loop: the request of a child
 * PipelineRun (pipelines in pipelines, §14), how a cancellation was asked for, the status of a run
 * that fails before its first TaskRun, and the loop's wake-up.
 */
import { type PipelineTask, parseGoDuration } from '@plumbing/model';
import type { PipelineRunRequest, PipelineRunStatus } from '../contracts.js';
import { childParams, type PreparedTask } from './pipeline-prepare.js';

/** `req.signal.reason` values that ask for a graceful cancellation (spec.status); anything else cancels at once. */
export type PipelineRunCancelReason = 'Cancelled' | 'CancelledRunFinally' | 'StoppedRunFinally';

export const DEFAULT_PIPELINE_TIMEOUT_MS = 60 * 60 * 1000;

export function cancelKind(reason: unknown): PipelineRunCancelReason {
  const r = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : '';
  return r === 'CancelledRunFinally' || r === 'StoppedRunFinally' ? r : 'Cancelled';
}

export function earlyFailure(req: PipelineRunRequest, startTime: string, now: string, reason: string, message: string): PipelineRunStatus {
  return {
    conditions: [{ type: 'Succeeded', status: 'False', reason, message, lastTransitionTime: now }],
    startTime,
    completionTime: now,
    childReferences: [],
    results: [],
    skippedTasks: [],
    taskRuns: [],
    pipelineSpec: req.spec,
  };
}

/**
 * The child PipelineRun `<pr>-<pt>` of a pipeline task with pipelineRef/pipelineSpec: the params it
 * passes (plus, for an embedded pipelineSpec, the parent's params in scope), the parent's workspace
 * bindings it names, its own timeout, and the signal of its section (DAG or finally): a parent
 * timeout or cancellation aborts it, and it reports Cancelled.
 */
export function childRequest(req: PipelineRunRequest, name: string, pipeline: NonNullable<PreparedTask['pipeline']>, pt: PipelineTask, signal: AbortSignal): PipelineRunRequest {
  return {
    ...req,
    name,
    uid: crypto.randomUUID(),
    ...(pipeline.name !== undefined ? { pipelineName: pipeline.name } : {}),
    spec: pipeline.spec,
    params: childParams(pt, pipeline.propagated),
    workspaces: (pt.workspaces ?? []).flatMap((b) => {
      const w = req.workspaces.find((x) => x.name === (b.workspace ?? b.name));
      return w ? [{ ...w, name: b.name }] : [];
    }),
    timeouts: pt.timeout !== undefined ? { pipelineMs: parseGoDuration(pt.timeout) ?? DEFAULT_PIPELINE_TIMEOUT_MS } : {},
    taskRunSpecs: [],
    signal,
  };
}

/** The scheduling loop's wake-up: `notify()` from any callback, `await sleep()` in the loop (no lost wake-ups). */
export class Wakeup {
  private waker: (() => void) | undefined;
  private woken = false;

  notify(): void {
    if (this.waker) {
      const w = this.waker;
      this.waker = undefined;
      w();
    } else this.woken = true;
  }

  sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((r) => {
      this.waker = r;
    });
  }
}
