import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { ExecOptions, ExecutePipelineRun, ExecuteTaskRun, ImageTool, PipelineRunStatus, RunEvent, TaskRunStatus } from '../contracts.js';
import { runningCliTool } from '../step/image-tools.js';
import type { StepImages } from '../step/step-images.js';
import type { LoadedRun, RunPlan } from './load-runs.js';
import { type RunRecordMeta, type RunStatus, recordRunCondition, runDirOf, succeededCondition, writeRunMeta, writeRunStatus } from './record.js';
import { labelsOf, pipelineRunRequest, type RequestContext, taskRunRequest } from './run-requests.js';
import { removeSecretWorkspaces } from './run-workspaces.js';

/** The two engines `plumbing run` drives. */
export interface Engines {
  executeTaskRun: ExecuteTaskRun;
  executePipelineRun: ExecutePipelineRun;
}

export interface ExecuteRunsOptions {
  /** Max TaskRuns at once across every run (default: cores). */
  parallel?: number;
  /** Use bubblewrap when available (default true). */
  sandbox?: boolean;
  /** Tools of images (default: the running plumbing CLI for its own image, see runningCliTool). */
  imageTools?: readonly ImageTool[];
  /** Steps in their pulled images (`--images`); without it, the host's tools. */
  images?: StepImages;
  /** Overrides each run's own timeout (TaskRun `timeout`, PipelineRun `timeouts.pipeline`); 0 = none. */
  timeoutMs?: number;
  /** Ctrl-C: aborting cancels every run. */
  signal: AbortSignal;
  onRunStart?: (run: LoadedRun) => void;
  onEvent?: (run: LoadedRun, e: RunEvent) => void;
  onRunEnd?: (run: LoadedRun, status: RunStatus) => void;
  now?: () => Date;
  /** Minimum time between two writes of an in-progress status.json. */
  recordThrottleMs?: number;
}

export interface RunOutcome {
  run: LoadedRun;
  status: RunStatus;
  dir: string;
}

/** A counting semaphore: at most `n` TaskRuns at once, over every run of one `plumbing run`. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((res) => queue.push(res));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

function failed(reason: string, message: string, at: string): { type: 'Succeeded'; status: 'False'; reason: string; message: string; lastTransitionTime: string } {
  return { type: 'Succeeded', status: 'False', reason, message, lastTransitionTime: at };
}

/** Runs every run of the plan at once (TaskRuns bounded by `parallel`), recording each under `.plumbing/runs/<name>/`. */
export async function executeRuns(plan: RunPlan, engines: Engines, opts: ExecuteRunsOptions): Promise<RunOutcome[]> {
  const parallel = Math.max(1, opts.parallel ?? availableParallelism());
  // Steps of this project's own image get the running plumbing CLI (the image is not pulled).
  const withTools: ExecuteRunsOptions = { ...opts, imageTools: opts.imageTools ?? [runningCliTool()].filter((t): t is ImageTool => t !== undefined) };
  const limit = limiter(parallel);
  const limited: ExecuteTaskRun = (req, o) => {
    // The PipelineRun engine hands every TaskRun of a stage one shared signal: many listeners are expected.
    setMaxListeners(0, req.signal);
    return limit(() => engines.executeTaskRun(req, o));
  };
  return Promise.all(plan.runs.map((run) => executeOne({ plan, run, engines, limited, parallel, opts: withTools })));
}

interface OneRun {
  plan: RunPlan;
  run: LoadedRun;
  engines: Engines;
  limited: ExecuteTaskRun;
  parallel: number;
  opts: ExecuteRunsOptions;
}

/** The run's record directory, fresh, with its metadata written. */
function startRecord(plan: RunPlan, run: LoadedRun, uid: string, startTime: string): string {
  const dir = runDirOf(plan.root, run.name);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const meta = run.resource.metadata;
  const record: RunRecordMeta = {
    apiVersion: run.resource.apiVersion,
    kind: run.kind,
    metadata: { name: run.name, namespace: run.namespace, uid, creationTimestamp: startTime, ...labelsOf(run), ...(typeof meta.generateName === 'string' ? { generateName: meta.generateName } : {}) },
    spec: run.resource.spec,
    plumbing: { pid: process.pid, files: [run.doc.file], hostDirs: run.hostDirs },
  };
  writeRunMeta(dir, record);
  if (run.retryOf) carryOver(run.retryOf, dir);
  return dir;
}

/**
 * A retry starts from what the retried run left: its workspace directories (volumeClaimTemplate
 * and the like, under `workspaces/`) and the log directories of the TaskRuns it reuses.
 */
function carryOver(from: NonNullable<LoadedRun['retryOf']>, dir: string): void {
  const ws = join(from.dir, 'workspaces');
  if (existsSync(ws)) cpSync(ws, join(dir, 'workspaces'), { recursive: true, verbatimSymlinks: true });
  for (const t of from.reused.flatMap((r) => r.taskRuns)) {
    const logs = join(from.dir, t.name);
    if (existsSync(logs)) cpSync(logs, join(dir, t.name), { recursive: true, verbatimSymlinks: true });
  }
}

/** One signal per run, following Ctrl-C: the engines add a listener per TaskRun, so no listener cap. Returns it and the unsubscribe. */
function followSignal(outer: AbortSignal): { signal: AbortSignal; unfollow: () => void } {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const follow = () => ac.abort(outer.reason);
  if (outer.aborted) follow();
  else outer.addEventListener('abort', follow, { once: true });
  return { signal: ac.signal, unfollow: () => outer.removeEventListener('abort', follow) };
}

async function executeOne(o: OneRun): Promise<RunOutcome> {
  const { plan, run, opts } = o;
  const now = opts.now ?? (() => new Date());
  const startTime = now().toISOString();
  const uid = randomUUID();
  const dir = startRecord(plan, run, uid, startTime);
  const progress = new Progress(run, dir, startTime, opts.recordThrottleMs ?? 250);
  opts.onRunStart?.(run);
  const onEvent = (e: RunEvent) => {
    progress.event(e);
    opts.onEvent?.(run, e);
  };
  const { signal, unfollow } = followSignal(opts.signal);
  const rc: RequestContext = { plan, run, dir, uid, signal, timeoutMs: opts.timeoutMs };
  const rcfg = plan.runConfig;
  const execOpts: ExecOptions = {
    onEvent,
    sandbox: opts.sandbox ?? true,
    now,
    ...(opts.imageTools ? { imageTools: opts.imageTools } : {}),
    ...(opts.images ? { images: opts.images } : {}),
    ...(rcfg ? { featureFlags: rcfg.featureFlags, imageConfigs: rcfg.imageConfigs } : {}),
  };
  let status: RunStatus;
  try {
    status = run.kind === 'TaskRun' ? await runTaskRun(rc, o.limited, execOpts, startTime) : await runPipelineRun(rc, o, execOpts, startTime);
  } catch (e) {
    const at = now().toISOString();
    const msg = e instanceof Error ? e.message : String(e);
    const cond = signal.aborted ? failed(run.kind === 'TaskRun' ? 'TaskRunCancelled' : 'Cancelled', `${run.kind} "${run.name}" was cancelled`, at) : failed('Failed', `internal error: ${msg}`, at);
    status = run.kind === 'TaskRun' ? taskRunFailure(cond, startTime, at) : pipelineRunFailure(cond, startTime, at);
  }
  status = finalise(run, status, signal.aborted, now().toISOString(), startTime);
  unfollow();
  removeSecretWorkspaces(dir);
  progress.stop();
  writeRunStatus(dir, status);
  opts.onRunEnd?.(run, status);
  return { run, status, dir };
}

/** A TaskRun with its retries (`spec.retries`): earlier attempts go to `retriesStatus`. */
async function runTaskRun(rc: RequestContext, limited: ExecuteTaskRun, execOpts: ExecOptions, startTime: string): Promise<TaskRunStatus> {
  const now = execOpts.now ?? (() => new Date());
  const first = taskRunRequest(rc);
  if ('refused' in first) {
    const at = now().toISOString();
    return taskRunFailure(failed(first.refused.reason, first.refused.message, at), startTime, at);
  }
  const spec = rc.run.resource.spec;
  const retries = typeof spec.retries === 'number' ? spec.retries : 0;
  const attempts: TaskRunStatus[] = [];
  for (let attempt = 0; ; attempt++) {
    const st = await limited({ ...first, retryCount: attempt }, execOpts);
    if (succeededCondition(st)?.status === 'True' || rc.signal.aborted || attempt >= retries) {
      if (attempts.length > 0) st.retriesStatus = attempts;
      return st;
    }
    attempts.push(st);
  }
}

async function runPipelineRun(rc: RequestContext, o: OneRun, execOpts: ExecOptions, startTime: string): Promise<PipelineRunStatus> {
  const req = pipelineRunRequest(rc, { parallel: o.parallel, executeTaskRun: o.limited });
  if ('refused' in req) {
    const at = (execOpts.now ?? (() => new Date()))().toISOString();
    return pipelineRunFailure(failed(req.refused.reason, req.refused.message, at), startTime, at);
  }
  return o.engines.executePipelineRun(req, execOpts);
}

function taskRunFailure(cond: ReturnType<typeof failed>, startTime: string, at: string): TaskRunStatus {
  return { conditions: [cond], podName: '', startTime, completionTime: at, steps: [], results: [] };
}

function pipelineRunFailure(cond: ReturnType<typeof failed>, startTime: string, at: string): PipelineRunStatus {
  return { conditions: [cond], startTime, completionTime: at, childReferences: [], results: [], skippedTasks: [], taskRuns: [] };
}

/** A run that the engine left unfinished after Ctrl-C is recorded as cancelled; times are always set. */
function finalise(run: LoadedRun, status: RunStatus, aborted: boolean, at: string, startTime: string): RunStatus {
  const s = { ...status, conditions: [...(status.conditions ?? [])] } as RunStatus;
  const c = succeededCondition(s);
  if (!c || c.status === 'Unknown') {
    const cond = aborted
      ? failed(run.kind === 'TaskRun' ? 'TaskRunCancelled' : 'Cancelled', run.kind === 'TaskRun' ? `TaskRun "${run.name}" was cancelled` : `PipelineRun "${run.name}" was cancelled`, at)
      : failed('Failed', 'the engine returned without a final condition', at);
    s.conditions = [...s.conditions.filter((x) => x.type !== 'Succeeded'), cond];
  }
  if (!s.startTime) s.startTime = startTime;
  if (!s.completionTime) s.completionTime = at;
  return s;
}

/** Keeps `status.json` of a run in progress current (Unknown/Running, steps or child TaskRuns so far). */
class Progress {
  private readonly status: RunStatus;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly run: LoadedRun,
    private readonly dir: string,
    startTime: string,
    private readonly throttleMs: number,
  ) {
    const cond = { type: 'Succeeded' as const, status: 'Unknown' as const, reason: 'Running', message: 'Not all Steps in the Task have finished executing', lastTransitionTime: startTime };
    this.status =
      run.kind === 'TaskRun'
        ? { conditions: [cond], podName: '', startTime, steps: [], results: [] }
        : { conditions: [{ ...cond, message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0' }], startTime, childReferences: [], results: [], skippedTasks: [], taskRuns: [] };
    writeRunStatus(dir, this.status);
  }

  event(e: RunEvent): void {
    const s = this.status;
    if ('childReferences' in s) {
      if (e.type === 'pipelinerun-condition') {
        // only this run's own condition (a child PipelineRun reports under its own name); written at once
        if (e.pipelineRun === this.run.name && !this.stopped) recordRunCondition(this.dir, s, e.condition);
        return;
      }
      if (e.type === 'pipelinetask-reused') for (const name of e.taskRuns) s.childReferences.push({ kind: 'TaskRun', name, pipelineTaskName: e.pipelineTask });
      if (e.type === 'taskrun-start' && !s.childReferences.some((c) => c.name === e.taskRun)) s.childReferences.push({ kind: 'TaskRun', name: e.taskRun, pipelineTaskName: e.pipelineTask ?? e.taskRun });
      if (e.type === 'pipelinetask-skipped') s.skippedTasks.push({ name: e.pipelineTask, reason: e.reason });
    } else if (e.type === 'step-start' && e.taskRun === this.run.name) {
      const i = s.steps.findIndex((x) => x.name === e.step);
      const st = { name: e.step, container: `step-${e.step}`, running: { startedAt: e.at } };
      if (i >= 0) s.steps[i] = st;
      else s.steps.push(st);
    } else if (e.type === 'step-end' && e.taskRun === this.run.name) {
      const prev = s.steps.find((x) => x.name === e.step);
      const st = { name: e.step, container: `step-${e.step}`, terminated: { exitCode: e.exitCode, reason: e.reason, startedAt: prev?.running?.startedAt ?? e.at, finishedAt: e.at } };
      const i = s.steps.findIndex((x) => x.name === e.step);
      if (i >= 0) s.steps[i] = st;
      else s.steps.push(st);
    } else return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) writeRunStatus(this.dir, this.status);
    }, this.throttleMs);
  }
}
