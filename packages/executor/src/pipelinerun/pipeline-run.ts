/**
 * The PipelineRun engine (implements ExecutePipelineRun) as a small reconciler: prepare (§16), then
 * reconcile until nothing runs — schedule the DAG, skip and cascade (§10), run finally (§11) —
 * and compute the status of §13. State lives in one `RunState` (reconcile-state.ts); each decision
 * is a named function (reconcile-decide.ts); each TaskRun goes through `req.executeTaskRun`.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Condition } from '@plumbing/model';
import type { ExecOptions, ExecutePipelineRun, PipelineRunRequest, PipelineRunStatus } from '../contracts.js';
import { earlyFailure } from './pipeline-child.js';
import { preparePipelineRun } from './pipeline-prepare.js';
import { runningCondition } from './pipeline-status.js';
import { type RunContext, Slots } from './pipeline-taskruns.js';
import { checkResultIndexes, decideDag, decideFinally } from './reconcile-decide.js';
import { finishStatus } from './reconcile-finish.js';
import { applyReused } from './reconcile-reuse.js';
import { armTimers, conditionEmitter, isHalted, listenForCancel, newRunState, type RunState, summaryOf } from './reconcile-state.js';

export type { PipelineRunCancelReason } from './pipeline-child.js';

export const executePipelineRun: ExecutePipelineRun = (req: PipelineRunRequest, opts: ExecOptions): Promise<PipelineRunStatus> =>
  runPipeline(req, opts, new Slots(req.parallel ?? cpus().length));

/** A PipelineRun; child PipelineRuns (pipelines in pipelines) share their parent's TaskRun slots. */
async function runPipeline(req: PipelineRunRequest, opts: ExecOptions, slots: Slots): Promise<PipelineRunStatus> {
  const clock = opts.now ?? (() => new Date());
  const iso = () => clock().toISOString();
  const startTime = iso();
  const emitCondition = conditionEmitter(req, opts, iso);
  const prepared = preparePipelineRun(req);
  if (!prepared.ok) {
    const failure = earlyFailure(req, startTime, iso(), prepared.reason, prepared.message);
    emitCondition(failure.conditions[0] as Condition);
    return failure;
  }
  const ctx: RunContext = { req, opts, slots, pipelineName: req.pipelineName ?? req.name, tempDirs: [] };
  const s = newRunState({ req, opts, ctx, prepared, iso, emitCondition, runChild: (child) => runPipeline(child, opts, slots) });
  applyReused(s);
  armTimers(s);
  const unlisten = listenForCancel(s);
  try {
    await reconcileUntilDone(s);
  } finally {
    for (const t of s.timers) clearTimeout(t);
    unlisten();
    for (const d of ctx.tempDirs) rmSync(d, { recursive: true, force: true });
  }
  if (s.fatal !== undefined) throw s.fatal;
  return finishStatus(s, startTime);
}

/** The reconcile loop: decide, then sleep until a TaskRun finishes, a timer fires or the run is cancelled. */
async function reconcileUntilDone(s: RunState): Promise<void> {
  s.emitCondition(runningCondition([], { incomplete: s.nodes.length, finallyDone: s.finallyNodes.length === 0 }));
  for (;;) {
    reconcileOnce(s);
    const running = s.nodes.some((n) => n.state === 'running');
    if (!running && (isHalted(s) || s.nodes.every((n) => n.state === 'done'))) return;
    if (!isHalted(s) && !s.pipelineTimedOut) emitRunning(s);
    await s.wake.sleep();
  }
}

function reconcileOnce(s: RunState): void {
  checkResultIndexes(s);
  if (isHalted(s)) return;
  scheduleDag(s);
  if (!isHalted(s) && !s.finallyStarted && s.dagNodes.every((n) => n.state === 'done')) startFinally(s);
}

/** Decides every pending DAG task until nothing changes (a skip can cascade to its dependants). */
function scheduleDag(s: RunState): void {
  let progressed = true;
  while (progressed && !isHalted(s)) {
    progressed = false;
    for (const n of s.dagNodes) if (!isHalted(s) && n.state === 'pending' && decideDag(s, n)) progressed = true;
  }
}

/** The DAG is done: arm the finally timeout and decide every finally task once. */
function startFinally(s: RunState): void {
  s.finallyStarted = true;
  const finallyMs = s.req.timeouts?.finallyMs;
  if (s.finallyNodes.length > 0 && finallyMs !== undefined && finallyMs > 0) {
    s.timers.push(
      setTimeout(() => {
        if (s.finallyNodes.every((n) => n.state === 'done')) return;
        s.finallyTimedOut = true;
        s.finCtl.abort('TimedOut');
        s.wake.notify();
      }, finallyMs),
    );
  }
  for (const n of s.finallyNodes) if (!s.permanent) decideFinally(s, n);
}

function emitRunning(s: RunState): void {
  const done = s.nodes.filter((n) => n.state === 'done' && n.outcome);
  s.emitCondition(
    runningCondition(done.map(summaryOf), {
      incomplete: s.nodes.length - done.length,
      graceful: s.graceful,
      finallyDone: s.finallyNodes.every((n) => n.state === 'done'),
    }),
  );
}
