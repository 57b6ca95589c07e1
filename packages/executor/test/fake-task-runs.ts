/**
 * A FAKE executeTaskRun and a PipelineRun request for the engine's unit tests (scheduling, skips,
 * conditions, matrix): each pipeline task's TaskRun succeeds, fails, waits or hangs as told.
 * test/pipelinerun-fixtures.test.ts runs real processes instead.
 */
import type { ParamValue, PipelineSpec } from '@plumbing/model';
import type { PipelineRunRequest, TaskRunRequest, TaskRunStatus } from '../src/contracts.js';

export interface Behaviour {
  /** Fail this many attempts (Infinity: always). */
  fail?: number;
  results?: Record<string, ParamValue> | ((req: TaskRunRequest) => Record<string, ParamValue>);
  /** Take this long before answering. */
  delayMs?: number;
  /** Wait until cancelled. */
  hang?: boolean;
}

function cancelled(req: TaskRunRequest): Promise<TaskRunStatus> {
  return new Promise((resolve) => {
    const done = () => resolve({ conditions: [{ type: 'Succeeded', status: 'False', reason: 'TaskRunCancelled', message: String(req.signal.reason) }], podName: '', steps: [], results: [] });
    if (req.signal.aborted) done();
    req.signal.addEventListener('abort', done, { once: true });
  });
}

/** The TaskRuns of each pipeline task (by name) behave as `behaviours` says; `calls` lists every request. */
export function fakeEngine(behaviours: Record<string, Behaviour>) {
  const calls: TaskRunRequest[] = [];
  const execute = async (req: TaskRunRequest): Promise<TaskRunStatus> => {
    calls.push(req);
    const b = behaviours[req.pipelineRun?.pipelineTaskName ?? ''] ?? {};
    if (b.hang) return cancelled(req);
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    const failed = req.retryCount < (b.fail ?? 0);
    const values = typeof b.results === 'function' ? b.results(req) : (b.results ?? {});
    const results = Object.entries(values).map(([name, value]) => ({
      name,
      type: (typeof value === 'string' ? 'string' : Array.isArray(value) ? 'array' : 'object') as 'string',
      value,
    }));
    return {
      conditions: [
        failed
          ? { type: 'Succeeded', status: 'False', reason: 'StepFailed', message: '"step-s" exited with code 1' }
          : { type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' },
      ],
      podName: `${req.name}-pod`,
      steps: [],
      results,
    };
  };
  return { calls, execute };
}

/** A PipelineRun request named `pr` in `default`, with no params or workspaces unless `extra` gives them. */
export function request(spec: PipelineSpec, execute: PipelineRunRequest['executeTaskRun'], extra: Partial<PipelineRunRequest> = {}): PipelineRunRequest {
  return {
    name: 'pr',
    namespace: 'default',
    uid: 'uid-1',
    spec,
    params: [],
    workspaces: [],
    labels: {},
    annotations: {},
    runDir: '/tmp/plumbing-unit-pr',
    signal: new AbortController().signal,
    parallel: 4,
    resolver: { task: () => undefined, pipeline: () => undefined, stepAction: () => undefined },
    executeTaskRun: execute,
    ...extra,
  };
}
