/**
 * The state of one PipelineRun while the reconciler runs it: every flag the loop reads lives in one
 * `RunState` object, and the small transitions on it (skip, invalidate, fail permanently, cancel,
 * time out) are named functions, as in Tekton's `pkg/reconciler/pipelinerun`.
 */
import { setMaxListeners } from 'node:events';
import type { Condition, PipelineTask, WhenExpression } from '@plumbing/model';
import type { ExecOptions, PipelineRunRequest, PipelineRunStatus } from '../contracts.js';
import { cancelKind, DEFAULT_PIPELINE_TIMEOUT_MS, Wakeup } from './pipeline-child.js';
import type { PreparedTask, PrepareOutcome } from './pipeline-prepare.js';
import type { TaskFacts } from './pipeline-resolve.js';
import { finalCondition, type PipelineTaskOutcome, type TaskOutcomeSummary } from './pipeline-status.js';
import type { RunContext } from './pipeline-taskruns.js';

/** One pipeline task as the reconciler tracks it. */
export interface Node extends TaskFacts {
  prep: PreparedTask;
  /** The pipeline task as started (results, contexts applied). */
  resolvedPt?: PipelineTask;
  state: 'pending' | 'running' | 'done';
  skipWhen?: WhenExpression[];
  validationMessage?: string;
}

export type ConditionEmitter = (c: Omit<Condition, 'lastTransitionTime'>) => void;
export type GracefulCancel = 'CancelledRunFinally' | 'StoppedRunFinally';

export interface RunState {
  readonly req: PipelineRunRequest;
  readonly opts: ExecOptions;
  readonly ctx: RunContext;
  readonly prepared: Extract<PrepareOutcome, { ok: true }>;
  readonly nodes: Node[];
  readonly byName: Map<string, Node>;
  readonly dagNodes: Node[];
  readonly finallyNodes: Node[];
  readonly childReferences: PipelineRunStatus['childReferences'];
  readonly childPipelineRuns: NonNullable<PipelineRunStatus['pipelineRuns']>;
  /** Aborts the DAG's TaskRuns; `finCtl` the finally tasks'. */
  readonly dagCtl: AbortController;
  readonly finCtl: AbortController;
  readonly wake: Wakeup;
  readonly timers: NodeJS.Timeout[];
  readonly pipelineMs: number;
  readonly tasksMs: number | undefined;
  /** Date.now() at the start, for the time left of the pipeline timeout. */
  readonly startedAt: number;
  readonly iso: () => string;
  readonly emitCondition: ConditionEmitter;
  /** Runs a child PipelineRun (pipelines in pipelines) sharing this run's TaskRun slots. */
  readonly runChild: (req: PipelineRunRequest) => Promise<PipelineRunStatus>;
  pipelineTimedOut: boolean;
  /** HaveTasksTimedOut: the tasks timeout elapsed before the run finished (even if the DAG was done by then). */
  tasksTimedOut: boolean;
  finallyTimedOut: boolean;
  graceful: GracefulCancel | undefined;
  cancelled: boolean;
  /** An unexpected error of the engine: rethrown once everything has wound down. */
  fatal: unknown;
  /** A reconcile-time failure that ends the run at once (e.g. an out-of-bounds result index). */
  permanent: { reason: string; message: string } | undefined;
  finallyStarted: boolean;
}

/** Emits `pipelinerun-condition` events, each distinct condition once. */
export function conditionEmitter(req: PipelineRunRequest, opts: ExecOptions, iso: () => string): ConditionEmitter {
  let last = '';
  return (c) => {
    const key = `${c.status}|${c.reason}|${c.message}`;
    if (key === last) return;
    last = key;
    opts.onEvent?.({ type: 'pipelinerun-condition', pipelineRun: req.name, condition: { ...c, lastTransitionTime: iso() }, at: iso() });
  };
}

export interface RunStateInit {
  req: PipelineRunRequest;
  opts: ExecOptions;
  ctx: RunContext;
  prepared: Extract<PrepareOutcome, { ok: true }>;
  iso: () => string;
  emitCondition: ConditionEmitter;
  runChild: RunState['runChild'];
}

export function newRunState(init: RunStateInit): RunState {
  const nodes: Node[] = init.prepared.tasks.map((prep) => ({ prep, name: prep.pt.name, isFinally: prep.isFinally, state: 'pending', runs: [], results: new Map() }));
  const dagCtl = new AbortController();
  const finCtl = new AbortController();
  // one abort listener per TaskRun (a matrix can have 256)
  setMaxListeners(0, dagCtl.signal, finCtl.signal);
  return {
    ...init,
    nodes,
    byName: new Map(nodes.map((n) => [n.name, n])),
    dagNodes: nodes.filter((n) => !n.isFinally),
    finallyNodes: nodes.filter((n) => n.isFinally),
    childReferences: [],
    childPipelineRuns: [],
    dagCtl,
    finCtl,
    wake: new Wakeup(),
    timers: [],
    pipelineMs: init.req.timeouts?.pipelineMs ?? DEFAULT_PIPELINE_TIMEOUT_MS,
    tasksMs: init.req.timeouts?.tasksMs,
    startedAt: Date.now(),
    pipelineTimedOut: false,
    tasksTimedOut: false,
    finallyTimedOut: false,
    graceful: undefined,
    cancelled: false,
    fatal: undefined,
    permanent: undefined,
    finallyStarted: false,
  };
}

/** The pipeline and tasks timers (the finally timer starts with the finally tasks). */
export function armTimers(s: RunState): void {
  if (s.pipelineMs > 0) s.timers.push(setTimeout(() => pipelineTimeout(s), s.pipelineMs));
  const tasksMs = s.tasksMs;
  if (tasksMs !== undefined && tasksMs > 0) {
    s.timers.push(
      setTimeout(() => {
        s.tasksTimedOut = true;
        if (!s.dagNodes.every((n) => n.state === 'done')) s.dagCtl.abort('TimedOut');
        s.wake.notify();
      }, tasksMs),
    );
  }
}

function pipelineTimeout(s: RunState): void {
  s.pipelineTimedOut = true;
  // timeoutPipelineRun sets the timeout condition at once, while the cancelled TaskRuns wind down
  s.emitCondition(finalCondition([], { pipelineRunName: s.req.name, pipelineTimedOutMs: s.pipelineMs }));
  s.dagCtl.abort('TimedOut');
  s.finCtl.abort('TimedOut');
  s.wake.notify();
}

/** Follows `req.signal`: a plain cancel aborts everything, a graceful one only what it names. Returns the unsubscribe. */
export function listenForCancel(s: RunState): () => void {
  const onAbort = () => {
    const kind = cancelKind(s.req.signal.reason);
    if (kind === 'Cancelled') cancelAll(s);
    else {
      s.graceful = kind;
      if (kind === 'CancelledRunFinally') s.dagCtl.abort('Cancelled');
    }
    s.wake.notify();
  };
  if (s.req.signal.aborted) onAbort();
  else s.req.signal.addEventListener('abort', onAbort, { once: true });
  return () => s.req.signal.removeEventListener('abort', onAbort);
}

export function cancelAll(s: RunState): void {
  s.cancelled = true;
  s.dagCtl.abort('Cancelled');
  s.finCtl.abort('Cancelled');
}

export function skip(s: RunState, n: Node, reason: string, when?: WhenExpression[]): true {
  n.state = 'done';
  n.outcome = 'skipped';
  n.skipReason = reason;
  if (when) n.skipWhen = when;
  s.opts.onEvent?.({ type: 'pipelinetask-skipped', pipelineRun: s.req.name, pipelineTask: n.name, reason: n.skipReason ?? '', at: s.iso() });
  return true;
}

export function invalidate(n: Node, message: string): true {
  n.state = 'done';
  n.outcome = 'validationFailed';
  n.validationMessage = message;
  return true;
}

/** IsStopping: a DAG task failed (cancelled included) or failed validation, unless it has onError: continue. */
export function isStopping(s: RunState): boolean {
  return s.dagNodes.some(
    (n) => n.outcome === 'failed' || n.outcome === 'validationFailed' || ((n.outcome === 'cancelled' || n.outcome === 'timedOut') && n.prep.pt.onError !== 'continue'),
  );
}

/**
 * A reconcile-time error that marks the PipelineRun failed at once (MarkFailed + permanent error):
 * nothing new starts; TaskRuns already running are not cancelled (Tekton leaves them be), the run
 * just waits for them.
 */
export function failPermanently(s: RunState, reason: string, message: string): true {
  s.permanent ??= { reason, message };
  s.emitCondition({ type: 'Succeeded', status: 'False', ...s.permanent });
  s.wake.notify();
  return true;
}

/** Nothing new may start: the run was cancelled or failed permanently. */
export function isHalted(s: RunState): boolean {
  return s.cancelled || s.permanent !== undefined;
}

export function summaryOf(n: Node): TaskOutcomeSummary {
  return {
    outcome: n.outcome as PipelineTaskOutcome,
    ...(n.skipReason !== undefined ? { skipReason: n.skipReason } : {}),
    ...(n.validationMessage !== undefined ? { validationMessage: n.validationMessage } : {}),
  };
}
