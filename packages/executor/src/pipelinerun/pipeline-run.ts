/**
 * The PipelineRun engine (implements ExecutePipelineRun): schedules the DAG, skips and cascades
 * (§10), runs finally (§11), matrix (§12), retries, timeouts and cancellation, and computes the
 * status of §13. Each TaskRun goes through `req.executeTaskRun`.
 */
import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { type Condition, evaluateWhen, fanOut, hasEmptyMatrixParam, hasMatrix, type PipelineTask, parseGoDuration, type WhenExpression } from '@plumbing/model';
import type { ExecOptions, ExecutePipelineRun, PipelineRunRequest, PipelineRunStatus } from '../contracts.js';
import { resolveForRun, type TaskFacts } from './pipeline-resolve.js';
import { resolvePipelineResults } from './pipeline-results.js';
import { cancelKind, childRequest, DEFAULT_PIPELINE_TIMEOUT_MS, earlyFailure, Wakeup } from './pipeline-child.js';
import { preparePipelineRun, type PreparedTask } from './pipeline-prepare.js';
import { finalCondition, type PipelineTaskOutcome, runningCondition, SkipReason, type TaskOutcomeSummary } from './pipeline-status.js';
import { outcomeOf, resultsOf, type RunContext, runPipelineTaskRuns, Slots, succeededCondition, taskRunNames } from './pipeline-taskruns.js';
import { matrixTypeError, pipelineTaskEnumError } from './pipeline-matrix-types.js';

export type { PipelineRunCancelReason } from './pipeline-child.js';

interface Node extends TaskFacts {
  prep: PreparedTask;
  /** The pipeline task as started (results, contexts applied). */
  resolvedPt?: PipelineTask;
  state: 'pending' | 'running' | 'done';
  skipWhen?: WhenExpression[];
  validationMessage?: string;
}

export const executePipelineRun: ExecutePipelineRun = (req: PipelineRunRequest, opts: ExecOptions): Promise<PipelineRunStatus> =>
  runPipeline(req, opts, new Slots(req.parallel ?? cpus().length));

/** A PipelineRun; child PipelineRuns (pipelines in pipelines) share their parent's TaskRun slots. */
async function runPipeline(req: PipelineRunRequest, opts: ExecOptions, slots: Slots): Promise<PipelineRunStatus> {
  const clock = opts.now ?? (() => new Date());
  const iso = () => clock().toISOString();
  const startTime = iso();
  let lastCondition = '';
  const emitCondition = (c: Omit<Condition, 'lastTransitionTime'>) => {
    const key = `${c.status}|${c.reason}|${c.message}`;
    if (key === lastCondition) return;
    lastCondition = key;
    opts.onEvent?.({ type: 'pipelinerun-condition', pipelineRun: req.name, condition: { ...c, lastTransitionTime: iso() }, at: iso() });
  };
  const prepared = preparePipelineRun(req);
  if (!prepared.ok) {
    const failure = earlyFailure(req, startTime, iso(), prepared.reason, prepared.message);
    emitCondition(failure.conditions[0] as Condition);
    return failure;
  }

  const pipelineName = req.pipelineName ?? req.name;
  const ctx: RunContext = { req, opts, slots, pipelineName, tempDirs: [] };
  const nodes: Node[] = prepared.tasks.map((prep) => ({ prep, name: prep.pt.name, isFinally: prep.isFinally, state: 'pending', runs: [], results: new Map() }));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const dagNodes = nodes.filter((n) => !n.isFinally);
  const finallyNodes = nodes.filter((n) => n.isFinally);
  const childReferences: PipelineRunStatus['childReferences'] = [];
  const childPipelineRuns: NonNullable<PipelineRunStatus['pipelineRuns']> = [];

  const dagCtl = new AbortController();
  const finCtl = new AbortController();
  // one abort listener per TaskRun (a matrix can have 256)
  setMaxListeners(0, dagCtl.signal, finCtl.signal);
  let pipelineTimedOut = false;
  /** HaveTasksTimedOut: the tasks timeout elapsed before the run finished (even if the DAG was done by then). */
  let tasksTimedOut = false;
  let finallyTimedOut = false;
  let graceful: 'CancelledRunFinally' | 'StoppedRunFinally' | undefined;
  let cancelled = false;
  let fatal: unknown;
  /** A reconcile-time failure that ends the run at once (e.g. an out-of-bounds result index). */
  let permanent: { reason: string; message: string } | undefined;
  let finallyStarted = false;

  const wake = new Wakeup();
  const notify = () => wake.notify();
  const sleep = () => wake.sleep();

  const timers: NodeJS.Timeout[] = [];
  const pipelineMs = req.timeouts?.pipelineMs ?? DEFAULT_PIPELINE_TIMEOUT_MS;
  const startedAt = Date.now();
  if (pipelineMs > 0) {
    timers.push(
      setTimeout(() => {
        pipelineTimedOut = true;
        // timeoutPipelineRun sets the timeout condition at once, while the cancelled TaskRuns wind down
        emitCondition(finalCondition([], { pipelineRunName: req.name, pipelineTimedOutMs: pipelineMs }));
        dagCtl.abort('TimedOut');
        finCtl.abort('TimedOut');
        notify();
      }, pipelineMs),
    );
  }
  const tasksMs = req.timeouts?.tasksMs;
  if (tasksMs !== undefined && tasksMs > 0) {
    timers.push(
      setTimeout(() => {
        tasksTimedOut = true;
        if (!dagNodes.every((n) => n.state === 'done')) dagCtl.abort('TimedOut');
        notify();
      }, tasksMs),
    );
  }
  const onAbort = () => {
    const kind = cancelKind(req.signal.reason);
    if (kind === 'Cancelled') {
      cancelled = true;
      dagCtl.abort('Cancelled');
      finCtl.abort('Cancelled');
    } else {
      graceful = kind;
      if (kind === 'CancelledRunFinally') dagCtl.abort('Cancelled');
    }
    notify();
  };
  if (req.signal.aborted) onAbort();
  else req.signal.addEventListener('abort', onAbort, { once: true });

  const emitSkip = (n: Node) =>
    opts.onEvent?.({ type: 'pipelinetask-skipped', pipelineRun: req.name, pipelineTask: n.name, reason: n.skipReason ?? '', at: iso() });
  const skip = (n: Node, reason: string, when?: WhenExpression[]): true => {
    n.state = 'done';
    n.outcome = 'skipped';
    n.skipReason = reason;
    if (when) n.skipWhen = when;
    emitSkip(n);
    return true;
  };
  const invalidate = (n: Node, message: string): true => {
    n.state = 'done';
    n.outcome = 'validationFailed';
    n.validationMessage = message;
    return true;
  };
  // IsStopping: a DAG task failed (cancelled included) or failed validation, unless it has onError: continue
  const stopping = () =>
    dagNodes.some(
      (n) => n.outcome === 'failed' || n.outcome === 'validationFailed' || ((n.outcome === 'cancelled' || n.outcome === 'timedOut') && n.prep.pt.onError !== 'continue'),
    );
  /**
   * A reconcile-time error that marks the PipelineRun failed at once (MarkFailed + permanent error):
   * nothing new starts; TaskRuns already running are not cancelled (Tekton leaves them be), the run
   * just waits for them.
   */
  const failPermanently = (reason: string, message: string): true => {
    permanent ??= { reason, message };
    emitCondition({ type: 'Succeeded', status: 'False', ...permanent });
    notify();
    return true;
  };
  const summary = (n: Node): TaskOutcomeSummary => ({
    outcome: n.outcome as PipelineTaskOutcome,
    ...(n.skipReason !== undefined ? { skipReason: n.skipReason } : {}),
    ...(n.validationMessage !== undefined ? { validationMessage: n.validationMessage } : {}),
  });

  /** Explicit TaskRun timeout (taskRunSpecs > task), else what is left of the pipeline's (the pipeline timer wins). */
  const timeoutFor = (pt: PipelineTask): number | undefined => {
    const trSpec = (req.taskRunSpecs ?? []).find((s) => s.pipelineTaskName === pt.name);
    const timeoutText = trSpec?.timeout ?? pt.timeout;
    const explicit = timeoutText === undefined ? undefined : parseGoDuration(timeoutText);
    if (explicit !== undefined) return explicit;
    if (pipelineMs === 0) return 0;
    return Math.max(1000, pipelineMs - (Date.now() - startedAt) + 1000);
  };

  const start = (n: Node, pt: PipelineTask) => {
    n.state = 'running';
    const signal = n.isFinally ? finCtl.signal : dagCtl.signal;
    const work = async () => {
      if (n.prep.pipeline) {
        const childName = taskRunNames(req.name, n.name, undefined)[0] as string;
        childReferences.push({ kind: 'PipelineRun', name: childName, pipelineTaskName: n.name });
        const child = await runPipeline(childRequest(req, childName, n.prep.pipeline, pt, signal), opts, slots);
        childPipelineRuns.push({ name: childName, pipelineTaskName: n.name, status: child });
        n.runs = child.taskRuns;
        const c = child.conditions.find((x) => x.type === 'Succeeded');
        n.outcome = c?.status === 'True' ? 'succeeded' : c?.reason === 'Cancelled' ? 'cancelled' : pt.onError === 'continue' ? 'ignored' : 'failed';
        n.reason = c?.reason ?? '';
        return;
      }
      const task = n.prep.task;
      if (!task) throw new Error(`pipeline task ${n.name} has neither a task nor a pipeline`);
      const combos = hasMatrix(pt.matrix) ? fanOut(pt.matrix) : undefined;
      const timeoutMs = timeoutFor(pt);
      const spec = pt.taskSpec ? (({ apiVersion: _a, kind: _k, metadata: _m, ...s }) => s)(pt.taskSpec) : task.spec;
      const runs = await runPipelineTaskRuns(
        ctx,
        {
          pt,
          spec,
          isFinally: n.isFinally,
          ...(task.name !== undefined ? { taskName: task.name } : {}),
          ...(combos ? { combinations: combos } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        },
        signal,
        (names) => {
          for (const name of names) childReferences.push({ kind: 'TaskRun', name, pipelineTaskName: n.name });
        },
      );
      n.runs = runs;
      n.outcome = outcomeOf(runs, pt);
      n.results = resultsOf(runs, combos !== undefined);
      if (combos) n.matrixLength = combos.length;
      const first = runs.find((r) => succeededCondition(r.status)?.status === 'False') ?? runs[0];
      n.reason = first ? (succeededCondition(first.status)?.reason ?? '') : '';
    };
    work()
      .catch((e: unknown) => {
        fatal ??= e;
        cancelled = true;
        dagCtl.abort('Cancelled');
        finCtl.abort('Cancelled');
        n.outcome = 'cancelled';
      })
      .finally(() => {
        n.state = 'done';
        notify();
      });
  };

  const decideDag = (n: Node): boolean => {
    if (stopping()) return skip(n, SkipReason.Stopping);
    if (graceful === 'CancelledRunFinally') return skip(n, SkipReason.GracefullyCancelled);
    if (graceful === 'StoppedRunFinally') return skip(n, SkipReason.GracefullyStopped);
    const parents = prepared.dag.parents.get(n.name) ?? [];
    if (parents.some((p) => byName.get(p)?.state !== 'done')) return false;
    const r = resolveForRun(n.prep.pt, byName, undefined);
    // skip() order (pipelinerunresolution.go skip): stopping, gracefully cancelled/stopped (above), parent
    // skipped, results missing, when, pipeline timeout, tasks timeout, empty matrix
    if (parents.some((p) => byName.get(p)?.outcome === 'skipped' && byName.get(p)?.skipReason !== SkipReason.WhenExpressions)) {
      return skip(n, SkipReason.ParentTasks);
    }
    const miss = r.missing[0];
    if (miss && (n.prep.pt.onError === 'continue' || r.missing.some((m) => m.producerSkippedByWhen))) return skip(n, SkipReason.MissingResults);
    const when = evaluateWhen(r.pt.when);
    if (!when.ok) return invalidate(n, when.message);
    if (!when.allowed) return skip(n, SkipReason.WhenExpressions, r.pt.when);
    if (pipelineTimedOut) return skip(n, SkipReason.PipelineTimedOut);
    if (tasksTimedOut) return skip(n, SkipReason.TasksTimedOut);
    if (r.pt.matrix && hasEmptyMatrixParam(r.pt.matrix)) return skip(n, SkipReason.EmptyMatrixArray);
    // CheckMissingResultReferences, when the task is about to be scheduled (tektoncd/pipeline#9529): a producer
    // that succeeded gets the explicit message; for one that failed (onError: continue) the resolution error of
    // resultrefresolution.go findTaskResultForParam is kept unchanged
    if (miss) {
      const producerSucceeded = byName.get(miss.producer)?.outcome === 'succeeded';
      return invalidate(
        n,
        producerSucceeded
          ? `task ${JSON.stringify(miss.producer)} completed successfully but did not emit the result ${JSON.stringify(miss.result)}, which is referenced by task ${JSON.stringify(n.name)}`
          : `Invalid task result reference: Could not find result with name ${miss.result} for task ${miss.producer}`,
      );
    }
    // No combination limit here: Tekton checks it only in pipelineSpec.Validate, on the spec before
    // substitution (pipeline-prepare.ts); a matrix fed by params or results fans out whatever its size.
    return startChecked(n, r.pt);
  };

  /**
   * pipelinerun.go runNextSchedulableTask: before creating a matrixed task's TaskRuns,
   * ValidateParameterTypesInMatrix runs over the whole state (every pipeline task as resolved so far).
   */
  const startChecked = (n: Node, pt: PipelineTask): boolean => {
    if (hasMatrix(pt.matrix)) {
      n.resolvedPt = pt;
      const err = matrixTypeError(nodes.map((x) => x.resolvedPt ?? resolveForRun(x.prep.pt, byName, undefined).pt));
      // pipelinerun.go: MarkFailed(InvalidMatrixParameterTypes, "Failed to validate matrix %q with error %w",
      // WrapUserError(err)): one argument for two verbs, so Go prints %!w(MISSING)
      if (err) return failPermanently('InvalidMatrixParameterTypes', `[User error] Failed to validate matrix ${JSON.stringify(err)} with error %!w(MISSING)`);
    }
    n.resolvedPt = pt;
    const spec = n.prep.task ? (pt.taskSpec ? (({ apiVersion: _a, kind: _k, metadata: _m, ...x }) => x)(pt.taskSpec) : n.prep.task.spec) : undefined;
    const enumErr = spec && pipelineTaskEnumError(pt, spec, hasMatrix(pt.matrix) ? fanOut(pt.matrix) : undefined);
    if (enumErr) return failPermanently('InvalidParamValue', enumErr);
    start(n, pt);
    return true;
  };

  /**
   * pipelinerun.go resolvePipelineState → ResolvePipelineTask → validateArrayResultsIndex, for every task not
   * started yet, on each reconcile: an out-of-bounds index into a finished producer's array result fails the
   * whole PipelineRun at once ("[User error] PipelineRun <ns>/<name> can't be Run; couldn't resolve all
   * references: ..."), whether or not the consumer could be scheduled yet.
   */
  const checkResultIndexes = (): void => {
    for (const n of nodes) {
      if (n.state !== 'pending' || permanent) continue;
      const r = resolveForRun(n.prep.pt, byName, undefined);
      if (r.indexError) failPermanently('PipelineValidationFailed', `[User error] PipelineRun ${req.namespace}/${req.name} can't be Run; ${r.indexError}`);
    }
  };

  const decideFinally = (n: Node): boolean => {
    const r = resolveForRun(n.prep.pt, byName, dagNodes);
    // IsFinallySkipped order: results missing, when, pipeline timeout, finally timeout, empty matrix
    if (r.missing.length > 0) return skip(n, SkipReason.MissingResults);
    const when = evaluateWhen(r.pt.when);
    if (!when.ok) return invalidate(n, when.message);
    if (!when.allowed) return skip(n, SkipReason.WhenExpressions, r.pt.when);
    if (pipelineTimedOut) return skip(n, SkipReason.PipelineTimedOut);
    if (finallyTimedOut) return skip(n, SkipReason.FinallyTimedOut);
    if (r.pt.matrix && hasEmptyMatrixParam(r.pt.matrix)) return skip(n, SkipReason.EmptyMatrixArray);
    return startChecked(n, r.pt);
  };

  emitCondition(runningCondition([], { incomplete: nodes.length, finallyDone: finallyNodes.length === 0 }));
  for (;;) {
    checkResultIndexes();
    if (!cancelled && !permanent) {
      let progressed = true;
      while (progressed && !cancelled && !permanent) {
        progressed = false;
        for (const n of dagNodes) if (!cancelled && !permanent && n.state === 'pending' && decideDag(n)) progressed = true;
      }
      if (!cancelled && !permanent && !finallyStarted && dagNodes.every((n) => n.state === 'done')) {
        finallyStarted = true;
        const finallyMs = req.timeouts?.finallyMs;
        if (finallyNodes.length > 0 && finallyMs !== undefined && finallyMs > 0) {
          timers.push(
            setTimeout(() => {
              if (finallyNodes.every((n) => n.state === 'done')) return;
              finallyTimedOut = true;
              finCtl.abort('TimedOut');
              notify();
            }, finallyMs),
          );
        }
        for (const n of finallyNodes) if (!permanent) decideFinally(n);
      }
    }
    const running = nodes.some((n) => n.state === 'running');
    if (!running && (cancelled || permanent || nodes.every((n) => n.state === 'done'))) break;
    if (!permanent && !cancelled && !pipelineTimedOut) {
      const done = nodes.filter((n) => n.state === 'done' && n.outcome);
      emitCondition(
        runningCondition(done.map(summary), {
          incomplete: nodes.length - done.length,
          graceful,
          finallyDone: finallyNodes.every((n) => n.state === 'done'),
        }),
      );
    }
    await sleep();
  }
  for (const t of timers) clearTimeout(t);
  req.signal.removeEventListener('abort', onAbort);
  for (const d of ctx.tempDirs) rmSync(d, { recursive: true, force: true });
  if (fatal !== undefined) throw fatal;

  // Tekton recomputes skip reasons on its last reconcile: stopping and graceful cancellation win
  const finalSkip = stopping() ? SkipReason.Stopping : graceful === 'CancelledRunFinally' ? SkipReason.GracefullyCancelled : graceful === 'StoppedRunFinally' ? SkipReason.GracefullyStopped : undefined;
  if (finalSkip) {
    for (const n of dagNodes) {
      if (n.outcome !== 'skipped') continue;
      n.skipReason = finalSkip;
      delete n.skipWhen;
    }
  }
  const summaries = nodes.filter((n) => n.state === 'done' && n.outcome).map(summary);
  let condition: Omit<Condition, 'lastTransitionTime'>;
  if (permanent) condition = { type: 'Succeeded', status: 'False', ...permanent };
  else if (cancelled) condition = { type: 'Succeeded', status: 'False', reason: 'Cancelled', message: `PipelineRun ${JSON.stringify(req.name)} was cancelled` };
  else {
    condition = finalCondition(summaries, {
      pipelineRunName: req.name,
      ...(pipelineTimedOut ? { pipelineTimedOutMs: pipelineMs } : {}),
      ...(tasksTimedOut && tasksMs !== undefined ? { tasksTimedOutMs: tasksMs } : {}),
      graceful: graceful !== undefined,
    });
  }
  // a permanent (reconcile-time) failure returns before pipeline results are computed
  const pr = permanent ? { values: [], invalid: [] } : resolvePipelineResults(req.spec.results, (root, task) => {
    const n = byName.get(task);
    if (!n || (root === 'finally') !== n.isFinally) return undefined;
    return { succeeded: n.outcome === 'succeeded', results: n.results };
  });
  if (pr.invalid.length > 0) {
    condition = {
      type: 'Succeeded',
      status: 'False',
      reason: 'CouldntGetPipelineResult',
      message: `Failed to get PipelineResult from TaskRun Results for PipelineRun ${req.name}: invalid pipelineresults [${pr.invalid.join(' ')}], the referenced results don't exist`,
    };
  }
  const skippedTasks: PipelineRunStatus['skippedTasks'] = nodes
    .filter((n) => n.outcome === 'skipped')
    .map((n) => ({ name: n.name, reason: n.skipReason ?? '', ...(n.skipWhen ? { whenExpressions: n.skipWhen } : {}) }));
  const status: PipelineRunStatus = {
    conditions: [{ ...condition, lastTransitionTime: iso() }],
    startTime,
    completionTime: iso(),
    childReferences,
    results: pr.values,
    skippedTasks,
    taskRuns: nodes.flatMap((n) => n.runs),
    pipelineSpec: req.spec,
  };
  if (childPipelineRuns.length > 0) status.pipelineRuns = childPipelineRuns;
  emitCondition(status.conditions[0] as Condition);
  return status;
}
