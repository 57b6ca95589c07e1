import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMap, type JsonMap, type ParamValue, parseGoDuration } from '@plumbing/model';
import type {
  ExecuteTaskRun,
  ExecutePipelineRun,
  ImageTool,
  PipelineRunRequest,
  PipelineRunStatus,
  ResolvedParam,
  RunEvent,
  TaskRunRequest,
  TaskRunStatus,
} from '../contracts.js';
import { bindPipelineRunWorkspaces, bindTaskRunWorkspaces, removeSecretWorkspaces, type WorkspaceContext } from './cli-workspaces.js';
import { runningCliTool } from '../step/image-tools.js';
import { type LoadedRun, type RunPlan, resolverFor } from './load-runs.js';
import { type RunRecordMeta, type RunStatus, recordRunCondition, runDirOf, succeededCondition, writeRunMeta, writeRunStatus } from './record.js';

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

/** The first timeout written that is not a Go duration (the webhook refuses the run), as a message. */
function invalidTimeout(fields: [string, unknown][]): string | undefined {
  for (const [name, v] of fields) if (typeof v === 'string' && parseGoDuration(v) === undefined) return `invalid ${name} ${JSON.stringify(v)}: not a duration`;
  return undefined;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function paramsOf(spec: JsonMap): ResolvedParam[] {
  return (Array.isArray(spec.params) ? spec.params : []).filter(isMap).map((p) => ({ name: String(p.name), value: p.value as ParamValue }));
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
  return Promise.all(plan.runs.map((run) => executeOne(plan, run, engines, limited, parallel, withTools)));
}

async function executeOne(plan: RunPlan, run: LoadedRun, engines: Engines, limited: ExecuteTaskRun, parallel: number, opts: ExecuteRunsOptions): Promise<RunOutcome> {
  const now = opts.now ?? (() => new Date());
  const dir = runDirOf(plan.root, run.name);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const startTime = now().toISOString();
  const uid = randomUUID();
  const meta = run.resource.metadata;
  const labels = strMap(meta.labels);
  const annotations = strMap(meta.annotations);
  const record: RunRecordMeta = {
    apiVersion: run.resource.apiVersion,
    kind: run.kind,
    metadata: { name: run.name, namespace: run.namespace, uid, creationTimestamp: startTime, labels, annotations, ...(typeof meta.generateName === 'string' ? { generateName: meta.generateName } : {}) },
    spec: run.resource.spec,
    plumbing: { pid: process.pid, files: [run.doc.file], hostDirs: run.hostDirs },
  };
  writeRunMeta(dir, record);
  const progress = new Progress(run, dir, startTime, opts.recordThrottleMs ?? 250);
  opts.onRunStart?.(run);
  const onEvent = (e: RunEvent) => {
    progress.event(e);
    opts.onEvent?.(run, e);
  };
  // One signal per run, following Ctrl-C: the engines add a listener per TaskRun, so no listener cap.
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const follow = () => ac.abort(opts.signal.reason);
  if (opts.signal.aborted) follow();
  else opts.signal.addEventListener('abort', follow, { once: true });
  const signal = ac.signal;
  const wsCtx: WorkspaceContext = { root: plan.root, runDir: dir, fileDocs: plan.fileDocs, hostDirs: run.hostDirs };
  const resolver = resolverFor(plan, run.doc);
  const spec = run.resource.spec;
  let status: RunStatus;
  try {
    if (run.kind === 'TaskRun') {
      status = await runTaskRun();
    } else {
      status = await runPipelineRun();
    }
  } catch (e) {
    const at = now().toISOString();
    const msg = e instanceof Error ? e.message : String(e);
    const cond = signal.aborted ? failed(run.kind === 'TaskRun' ? 'TaskRunCancelled' : 'Cancelled', `${run.kind} "${run.name}" was cancelled`, at) : failed('Failed', `internal error: ${msg}`, at);
    status = run.kind === 'TaskRun' ? taskRunFailure(cond, startTime, at) : pipelineRunFailure(cond, startTime, at);
  }
  status = finalise(run, status, signal.aborted, now().toISOString(), startTime);
  opts.signal.removeEventListener('abort', follow);
  removeSecretWorkspaces(dir);
  progress.stop();
  writeRunStatus(dir, status);
  opts.onRunEnd?.(run, status);
  return { run, status, dir };

  async function runTaskRun(): Promise<TaskRunStatus> {
    let taskSpec: JsonMap | undefined = isMap(spec.taskSpec) ? (spec.taskSpec as JsonMap) : undefined;
    let taskName: string | undefined;
    if (!taskSpec) {
      const ref = isMap(spec.taskRef) ? spec.taskRef : {};
      const at = () => now().toISOString();
      if (typeof ref.resolver === 'string') return taskRunFailure(failed('TaskRunResolutionFailed', `remote resolution (resolver: ${ref.resolver}) does not run locally: put the Task in the repository or in a -f file`, at()), startTime, at());
      const t = typeof ref.name === 'string' ? resolver.task(ref.name, typeof ref.kind === 'string' ? ref.kind : undefined) : undefined;
      if (!t) return taskRunFailure(failed('TaskRunResolutionFailed', `error when listing tasks for taskRun ${run.name}: tasks.tekton.dev "${String(ref.name)}" not found`, at()), startTime, at());
      taskSpec = t.spec as unknown as JsonMap;
      taskName = t.name;
    }
    let workspaces: TaskRunRequest['workspaces'];
    try {
      workspaces = bindTaskRunWorkspaces(spec, wsCtx);
    } catch (e) {
      const at = now().toISOString();
      return taskRunFailure(failed('TaskRunValidationFailed', (e as Error).message, at), startTime, at);
    }
    const badTimeout = invalidTimeout([['spec.timeout', spec.timeout]]);
    if (badTimeout) return taskRunFailure(failed('TaskRunValidationFailed', badTimeout, now().toISOString()), startTime, now().toISOString());
    const ownTimeout = typeof spec.timeout === 'string' ? parseGoDuration(spec.timeout) : undefined;
    const timeoutMs = opts.timeoutMs ?? ownTimeout;
    const retries = typeof spec.retries === 'number' ? spec.retries : 0;
    const attempts: TaskRunStatus[] = [];
    for (let attempt = 0; ; attempt++) {
      const req: TaskRunRequest = {
        name: run.name,
        namespace: run.namespace,
        uid,
        spec: taskSpec as never,
        params: paramsOf(spec),
        workspaces,
        retryCount: attempt,
        labels,
        annotations,
        logDir: join(dir, run.name),
        signal,
        resolver,
        ...(taskName !== undefined ? { taskName } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(typeof spec.serviceAccountName === 'string' ? { serviceAccountName: spec.serviceAccountName } : {}),
      };
      const st = await limited(req, { onEvent, sandbox: opts.sandbox ?? true, now, ...(opts.imageTools ? { imageTools: opts.imageTools } : {}) });
      if (succeededCondition(st)?.status === 'True' || signal.aborted || attempt >= retries) {
        if (attempts.length > 0) st.retriesStatus = attempts;
        return st;
      }
      attempts.push(st);
    }
  }

  async function runPipelineRun(): Promise<PipelineRunStatus> {
    let pipelineSpec: JsonMap | undefined = isMap(spec.pipelineSpec) ? (spec.pipelineSpec as JsonMap) : undefined;
    let pipelineName: string | undefined;
    const at = () => now().toISOString();
    if (!pipelineSpec) {
      const ref = isMap(spec.pipelineRef) ? spec.pipelineRef : {};
      if (typeof ref.resolver === 'string') return pipelineRunFailure(failed('CouldntGetPipeline', `remote resolution (resolver: ${ref.resolver}) does not run locally: put the Pipeline in the repository or in a -f file`, at()), startTime, at());
      const p = typeof ref.name === 'string' ? resolver.pipeline(ref.name) : undefined;
      if (!p) return pipelineRunFailure(failed('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${run.namespace}/${run.name}: pipelines.tekton.dev "${String(ref.name)}" not found`, at()), startTime, at());
      pipelineSpec = p.spec as unknown as JsonMap;
      pipelineName = p.name;
    }
    let workspaces: PipelineRunRequest['workspaces'];
    try {
      workspaces = bindPipelineRunWorkspaces(spec, wsCtx);
    } catch (e) {
      return pipelineRunFailure(failed('InvalidWorkspaceBindings', (e as Error).message, at()), startTime, at());
    }
    const t = isMap(spec.timeouts) ? spec.timeouts : {};
    const badTimeout = invalidTimeout([['spec.timeout', spec.timeout], ['spec.timeouts.pipeline', t.pipeline], ['spec.timeouts.tasks', t.tasks], ['spec.timeouts.finally', t.finally]]);
    if (badTimeout) return pipelineRunFailure(failed('PipelineRunValidationFailed', badTimeout, at()), startTime, at());
    const timeouts: NonNullable<PipelineRunRequest['timeouts']> = {};
    const pipelineMs = opts.timeoutMs ?? (typeof t.pipeline === 'string' ? parseGoDuration(t.pipeline) : typeof spec.timeout === 'string' ? parseGoDuration(spec.timeout) : undefined);
    if (pipelineMs !== undefined) timeouts.pipelineMs = pipelineMs;
    if (typeof t.tasks === 'string') {
      const ms = parseGoDuration(t.tasks);
      if (ms !== undefined) timeouts.tasksMs = ms;
    }
    if (typeof t.finally === 'string') {
      const ms = parseGoDuration(t.finally);
      if (ms !== undefined) timeouts.finallyMs = ms;
    }
    const template = isMap(spec.taskRunTemplate) ? spec.taskRunTemplate : {};
    const sa = typeof template.serviceAccountName === 'string' ? template.serviceAccountName : typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : undefined;
    const req: PipelineRunRequest = {
      name: run.name,
      namespace: run.namespace,
      uid,
      spec: pipelineSpec as never,
      params: paramsOf(spec),
      workspaces,
      timeouts,
      labels,
      annotations,
      runDir: dir,
      signal,
      parallel,
      resolver,
      executeTaskRun: limited,
      ...(pipelineName !== undefined ? { pipelineName } : {}),
      ...(Array.isArray(spec.taskRunSpecs) ? { taskRunSpecs: spec.taskRunSpecs as never } : {}),
      ...(sa !== undefined ? { serviceAccountName: sa } : {}),
    };
    return engines.executePipelineRun(req, { onEvent, sandbox: opts.sandbox ?? true, now, ...(opts.imageTools ? { imageTools: opts.imageTools } : {}) });
  }
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
