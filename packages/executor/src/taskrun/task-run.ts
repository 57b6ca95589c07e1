/**
 * The TaskRun engine (implements ExecuteTaskRun): validation and substitution (task-prepare),
 * then each step as a host process in order (§4.1), results (§5), and the status in Tekton's
 * TaskRun shape with its reasons and messages (§7).
 */
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Artifacts, type Condition, firstOversizedResult, formatGoDuration, mergeArtifacts, oversizedResultMessage, parseArtifacts, type SidecarLogResult } from '@plumbing/model';
import type { ExecOptions, ExecuteTaskRun, RunEvent, StepState, TaskRunRequest, TaskRunStatus } from '../contracts.js';
import { detectSandbox, type SandboxInfo } from '../step/sandbox.js';
import { startSidecars } from '../step/sidecars.js';
import { HostTools } from '../step/step-shell.js';
import { literalPathSteps, type StepContext, type StepRecord } from '../step/task-step-exec.js';
import { credentialFiles, writeCredentials } from './task-creds.js';
import { writeObjectVolumes } from './task-objects.js';
import { isFailure, mentionsArtifacts, type PreparedStep, type PreparedTask, prepareTask, SANDBOX_PATHS, type TaskPaths } from './task-prepare.js';
import { resultsMode, validateResults } from './task-results.js';
import { runSteps, type StepsOutcome, taskResults } from './task-run-steps.js';

/** setTimeout's limit (2^31-1 ms, about 24.8 days): longer timeouts are never reached locally. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tekton's default TaskRun timeout (60m). */
export const DEFAULT_TASK_TIMEOUT_MS = 60 * 60 * 1000;

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The run's directories. Per step only what it needs (each inode costs twice: made, then removed):
 * run/<i>/status, its results/ when the step declares results, artifacts/ when it mentions them,
 * the /tekton/steps symlinks, and a private cwd/HOME when unsandboxed.
 */
/**
 * Where a TaskRun's private directory goes: a tmpfs (/dev/shm) when there is a writable one, else
 * the temp dir. It holds Tekton's /tekton (scripts, run/<i>/status, steps links, results, home)
 * and the unsandboxed steps' private roots — many tiny files per step, which cost ~1 ms each to
 * create on a busy disk and ~10 µs on tmpfs (in a pod they are emptyDirs; a sandboxed step's own
 * root is a tmpfs too). The implicit /workspace and emptyDir volumes stay on disk.
 */
let fastBase: string | undefined;
function fastTmpBase(): string {
  if (fastBase !== undefined) return fastBase;
  fastBase = tmpdir();
  const shm = process.env.PLUMBING_RUN_TMPDIR ?? '/dev/shm';
  try {
    accessSync(shm, fsConstants.W_OK | fsConstants.X_OK);
    // steps may exec files under /tekton (scripts, tools written to /tekton/home): not on a noexec mount
    const noexec = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[1] === shm && (l.split(' ')[3] ?? '').split(',').includes('noexec'));
    if (statSync(shm).isDirectory() && !noexec) fastBase = shm;
  } catch {
    // no tmpfs: the temp dir
  }
  return fastBase;
}

async function makeRunDir(root: string, diskRoot: string, paths: TaskPaths, steps: readonly PreparedStep[], sandboxed: boolean): Promise<void> {
  await mkdir(join(root, 'tekton'));
  await Promise.all([join(root, 'tekton', 'creds'), join(diskRoot, 'volumes'), paths.workspace, paths.home, paths.results, paths.scripts, paths.artifacts, paths.steps, paths.run, join(root, 'root')].map((d) => mkdir(d, { recursive: true })));
  await Promise.all(
    steps.map(async (s) => {
      const status = join(paths.run, String(s.index), 'status');
      await mkdir(join(paths.run, String(s.index)));
      await mkdir(status);
      if (s.step.results?.length) await mkdir(join(status, 'results'));
      if (mentionsArtifacts(s)) await mkdir(join(status, 'artifacts'));
      if (!sandboxed) await mkdir(join(root, 'root', String(s.index)));
      await symlink(`../run/${s.index}/status`, join(paths.steps, s.container));
      await symlink(`../run/${s.index}/status`, join(paths.steps, String(s.index)));
    }),
  );
}

type Done = (cond: Omit<Condition, 'type' | 'lastTransitionTime'>) => TaskRunStatus;

/** The sandbox to use: bubblewrap when asked for and working, else none (with a warning). */
async function chooseSandbox(req: TaskRunRequest, opts: ExecOptions, emit: (e: RunEvent) => void): Promise<SandboxInfo | undefined> {
  if (opts.sandbox === false) return undefined;
  const info = await detectSandbox();
  if (info.available) return info;
  emit({ type: 'warning', message: `running TaskRun "${req.name}" without a sandbox: ${info.reason}` });
  return undefined;
}

/** The run's private directory (Tekton's /tekton/* and the implicit /workspace). */
async function runDirs(): Promise<{ root: string; diskRoot: string; hostPaths: TaskPaths }> {
  const root = await mkdtemp(join(fastTmpBase(), 'plumbing-tr-'));
  const diskRoot = fastTmpBase() === tmpdir() ? root : await mkdtemp(join(tmpdir(), 'plumbing-trw-'));
  const tekton = join(root, 'tekton');
  const hostPaths: TaskPaths = {
    results: join(tekton, 'results'),
    steps: join(tekton, 'steps'),
    run: join(tekton, 'run'),
    home: join(tekton, 'home'),
    scripts: join(tekton, 'scripts'),
    artifacts: join(tekton, 'artifacts'),
    workspace: join(diskRoot, 'workspace'),
  };
  return { root, diskRoot, hostPaths };
}

/** Warnings for what runs differently here: volume sources, and (unsandboxed) read-only workspaces, mounts, literal paths. */
function warnLocalDifferences(req: TaskRunRequest, prepared: PreparedTask, sandboxed: boolean, dirs: { root: string; hostPaths: TaskPaths }, emit: (e: RunEvent) => void): void {
  const otherVolumes = [...new Set(prepared.steps.flatMap((s) => s.volumes.filter((v) => v.source === 'other').map((v) => v.volume)))];
  if (otherVolumes.length) {
    emit({ type: 'warning', message: `TaskRun "${req.name}": volumes ${otherVolumes.join(', ')} (PVC and other sources) are mounted as empty directories locally` });
  }
  if (sandboxed) return;
  const readOnly = [...new Set(prepared.steps.flatMap((s) => s.workspaces.filter((w) => w.readOnly).map((w) => w.name)))];
  if (readOnly.length) emit({ type: 'warning', message: `TaskRun "${req.name}": without bubblewrap, read-only workspaces are writable: ${readOnly.join(', ')}` });
  const withVolumes = prepared.steps.filter((s) => s.volumes.length).map((s) => s.container);
  if (withVolumes.length) emit({ type: 'warning', message: `TaskRun "${req.name}": without bubblewrap, volumeMounts cannot be shown at their paths: ${withVolumes.join(', ')}` });
  const literal = literalPathSteps(prepared.steps, dirs.root, dirs.hostPaths.workspace);
  if (literal.length) {
    emit({
      type: 'warning',
      message: `TaskRun "${req.name}": without bubblewrap, Tekton paths are substituted with host directories; steps that use /tekton/ or /workspace/ literally may behave differently: ${literal.join(', ')}`,
    });
  }
}

/** Task timeout and cancellation share one controller that aborts the running step. */
function taskDeadline(req: TaskRunRequest): { abort: AbortController; timeoutMs: number; timedOut: () => boolean; dispose: () => void } {
  const abort = new AbortController();
  let timedOut = false;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const timer =
    timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, timeoutMs)
      : undefined;
  const onCancel = () => abort.abort();
  if (req.signal.aborted) onCancel();
  else req.signal.addEventListener('abort', onCancel, { once: true });
  return {
    abort,
    timeoutMs,
    timedOut: () => timedOut,
    dispose: () => {
      if (timer) clearTimeout(timer);
      req.signal.removeEventListener('abort', onCancel);
    },
  };
}

/** Steps that never finished (timeout, cancellation) are terminated with `reason`. */
function terminateUnfinished(status: TaskRunStatus, reason: string, now: () => string): void {
  for (const s of status.steps) {
    if (s.terminated) continue;
    const at = now();
    s.terminated = { exitCode: 1, reason, startedAt: s.running?.startedAt ?? at, finishedAt: at };
    s.terminationReason = reason;
    delete s.running;
    delete s.waiting;
  }
}

/** The TaskRun's final condition, in Tekton's order: timeout, cancellation, a failed step, result limits, result validation. */
function finish(req: TaskRunRequest, opts: ExecOptions, st: FinishFacts, done: Done): TaskRunStatus {
  const { status, outcome } = st;
  if (st.timedOut) {
    terminateUnfinished(status, 'TaskRunTimeout', st.now);
    return done({ status: 'False', reason: 'TaskRunTimeout', message: `TaskRun "${req.name}" failed to finish within "${formatGoDuration(st.timeoutMs)}"` });
  }
  if (st.aborted) {
    terminateUnfinished(status, 'TaskRunCancelled', st.now);
    const why = req.signal.reason === 'TimedOut'
      ? 'TaskRun cancelled as the PipelineRun it belongs to has timed out.'
      : req.pipelineRun
        ? 'TaskRun cancelled as the PipelineRun it belongs to has been cancelled.'
        : '';
    // taskrun.go ReconcileKind: fmt.Sprintf("TaskRun %q was cancelled. %s", tr.Name, tr.Spec.StatusMessage); the
    // statusMessage is empty for a TaskRun cancelled on its own, hence the trailing space
    return done({ status: 'False', reason: 'TaskRunCancelled', message: `TaskRun "${req.name}" was cancelled. ${why}` });
  }
  const failed = outcome.failed;
  if (failed) {
    // pod/status.go extractContainerFailureMessage; a timed-out step exits 1 (cmd/entrypoint main.go, the
    // ContextError branch that is not a cancellation), a cancelled one 9 (int(syscall.SIGKILL))
    const msg = failed.timedOut
      ? `"${failed.step.container}" exited because the step exceeded the specified timeout limit`
      : `"${failed.step.container}" exited with code ${failed.exitCode}${failed.message ? `: ${failed.message}` : ''}`;
    return done({ status: 'False', reason: 'StepFailed', message: msg });
  }
  if (resultsMode(opts).resultsFrom === 'sidecar-logs') {
    const limit = resultsMode(opts).maxResultSize;
    const lines: SidecarLogResult[] = [...outcome.rawResults].map(([name, value]) => ({ name, value, type: 'task' }));
    for (const r of outcome.records) for (const [n, v] of r.rawStepResults ?? []) lines.push({ name: `${r.step.container}.${n}`, value: v, type: 'step' });
    const big = firstOversizedResult(lines, limit);
    // taskrun.go ReconcileKind, on sidecarlogresults.ErrSizeExceeded
    if (big) return done({ status: 'False', reason: 'TaskRunResultLargerThanAllowedLimit', message: oversizedResultMessage(req.name, big.length, limit) });
  }
  const invalid = validateResults(st.prepared.results, status.results);
  if (invalid) return done({ status: 'False', reason: invalid.reason, message: invalid.message });
  return done({ status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing' });
}

interface FinishFacts {
  status: TaskRunStatus;
  prepared: PreparedTask;
  outcome: StepsOutcome;
  timedOut: boolean;
  aborted: boolean;
  timeoutMs: number;
  now: () => string;
}

/**
 * The TaskRun's artifacts (pod/status.go): the task's provenance.json merged with every step's
 * (Artifacts.Merge: by name, values deduplicated).
 */
async function taskRunArtifacts(dir: string, records: readonly StepRecord[], emit: (e: RunEvent) => void, name: string): Promise<TaskRunStatus['artifacts'] | undefined> {
  let task: Artifacts | undefined;
  try {
    task = parseArtifacts(await readFile(join(dir, 'provenance.json'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') emit({ type: 'warning', message: `TaskRun "${name}": $(artifacts.path) is not Tekton's provenance JSON (${(e as Error).message}): ignored` });
  }
  const steps = records.filter((r) => r.artifacts);
  if (!task && !steps.length) return undefined;
  let merged = mergeArtifacts(undefined, task);
  for (const r of steps) merged = mergeArtifacts(merged, r.artifacts);
  return merged;
}

export const executeTaskRun: ExecuteTaskRun = async (req: TaskRunRequest, opts: ExecOptions): Promise<TaskRunStatus> => {
  const now = opts.now ?? (() => new Date());
  const emit = (e: RunEvent) => opts.onEvent?.(e);
  const pipelineTask = req.pipelineRun?.pipelineTaskName;
  const startTime = timestamp(now());
  const status: TaskRunStatus = { conditions: [], podName: `${req.name}-pod`, startTime, steps: [], results: [] };
  emit(pipelineTask ? { type: 'taskrun-start', taskRun: req.name, pipelineTask, at: startTime } : { type: 'taskrun-start', taskRun: req.name, at: startTime });

  const done: Done = (cond) => {
    const at = timestamp(now());
    status.conditions = [{ type: 'Succeeded', status: cond.status, ...(cond.reason ? { reason: cond.reason } : {}), ...(cond.message !== undefined ? { message: cond.message } : {}), lastTransitionTime: at }];
    status.completionTime = at;
    const end: RunEvent = { type: 'taskrun-end', taskRun: req.name, succeeded: cond.status, reason: cond.reason ?? '', at };
    emit(pipelineTask ? { ...end, pipelineTask } : end);
    return status;
  };

  const sandbox = await chooseSandbox(req, opts, emit);
  const dirs = await runDirs();
  const { root, diskRoot, hostPaths } = dirs;
  try {
    const prepared = prepareTask(req, sandbox ? SANDBOX_PATHS : hostPaths, !!sandbox);
    if (isFailure(prepared)) return done({ status: 'False', reason: prepared.reason, message: prepared.message });
    status.taskSpec = prepared.resolvedSpec;
    await Promise.all([makeRunDir(root, diskRoot, hostPaths, prepared.steps, !!sandbox), mkdir(req.logDir, { recursive: true })]);
    // kubelet: a volume whose ConfigMap/Secret is missing never mounts (the pod stays ContainerCreating)
    const unmounted = await writeObjectVolumes(join(diskRoot, 'volumes'), prepared.volumes, req.objects);
    if (unmounted) return done({ status: 'False', reason: 'CreateContainerConfigError', message: unmounted });
    // creds-init writes to /tekton/creds ($(credentials.path)), which steps and sidecars share; each step also gets them in HOME
    await writeCredentials(join(root, 'tekton', 'creds'), credentialFiles(req.objects, req.serviceAccountName ?? 'default'));
    warnLocalDifferences(req, prepared, !!sandbox, dirs, emit);

    const deadline = taskDeadline(req);
    const ctx: StepContext = {
      req,
      root,
      diskRoot,
      hostPaths,
      sandbox,
      tools: new HostTools(),
      imageTools: opts.imageTools,
      imageConfigs: opts.imageConfigs,
      images: opts.images,
      signal: deadline.abort.signal,
      emit,
      now: () => timestamp(now()),
      podName: status.podName,
    };
    let outcome: StepsOutcome;
    const sidecars = prepared.sidecars.length ? await startSidecars(ctx, prepared.sidecars) : undefined;
    try {
      outcome = await runSteps(ctx, prepared, opts);
    } finally {
      await sidecars?.stop();
      deadline.dispose();
    }
    if (sidecars) status.sidecars = sidecars.states;
    status.steps = outcome.records.map((r) => r.state);
    status.results = taskResults(prepared, outcome);
    const artifacts = await taskRunArtifacts(hostPaths.artifacts, outcome.records, emit, req.name);
    if (artifacts) status.artifacts = artifacts;
    const facts: FinishFacts = { status, prepared, outcome, timedOut: deadline.timedOut(), aborted: deadline.abort.signal.aborted, timeoutMs: deadline.timeoutMs, now: ctx.now };
    return finish(req, opts, facts, done);
  } finally {
    if (!opts.keepRunDir) {
      await Promise.all([...new Set([root, diskRoot])].map((d) => rm(d, { recursive: true, force: true }).catch(() => undefined)));
    }
  }
};

export type { StepState };
