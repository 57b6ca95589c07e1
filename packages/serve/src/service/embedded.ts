/**
 * The embedded backend: a stored run's resource goes to a file under `.plumbing/serve/resources/`
 * and runs through the embedded executor's public entry point (the same path as `plumbing run
 * -f`), recorded under `.plumbing/runs/<name>/` with one log file per step, written as it runs.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ExecuteRunsOptions, executePipelineRun, executeRuns, executeTaskRun, loadRunsFromFiles, retryFailedRun, runDirOf } from '@plumbing/executor';
import { isMap } from '@plumbing/model';
import type { RunRow } from '../store/store.js';

export type StepEvent =
  | { type: 'taskrun'; taskRun: string; pipelineTask: string | null; state: string; at: string }
  | { type: 'step'; taskRun: string; step: string; state: string; logPath: string; exitCode: number | null; at: string };

export interface ExecuteResult {
  state: 'succeeded' | 'failed' | 'cancelled';
  reason: string;
  message: string;
  status: Record<string, unknown> | null;
  recordDir: string;
}

export interface BackendContext {
  root: string;
  /** `DIR/<secret-name>/<key>`: secret workspaces bind to `DIR/<secret-name>` when it exists. */
  secretsDir?: string;
  /** Use bubblewrap when available. */
  sandbox?: boolean;
}

/** Runs one stored run to its end (or until `signal` aborts); `onStep` hears TaskRuns and steps start and end. */
export type Backend = ((run: RunRow, signal: AbortSignal, onStep: (e: StepEvent) => void) => Promise<ExecuteResult>) & {
  /** Runs a run with `retryOf` as a rerun of only what failed of that run (else reruns are refused failed-only). */
  retriesFailed?: boolean;
  /** Its runs go on without this process (on a cluster): one executing when the service died is followed again at start, not failed. */
  resumable?: boolean;
};

function secretHostDirs(resource: Record<string, unknown>, secretsDir: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!secretsDir) return out;
  const spec = isMap(resource.spec) ? resource.spec : {};
  for (const w of Array.isArray(spec.workspaces) ? spec.workspaces.filter(isMap) : []) {
    const name = isMap(w.secret) ? w.secret.secretName : undefined;
    if (typeof w.name === 'string' && typeof name === 'string' && existsSync(join(secretsDir, name))) out[w.name] = join(secretsDir, name);
  }
  return out;
}

function conditionOf(status: unknown): { status?: string; reason?: string; message?: string } {
  const conds = isMap(status) && Array.isArray(status.conditions) ? status.conditions : [];
  return (conds.filter(isMap).find((c) => c.type === 'Succeeded') ?? {}) as { status?: string; reason?: string; message?: string };
}

type Options = ExecuteRunsOptions;

/** The executor's events as the store's TaskRun and step events (a reused TaskRun: succeeded, with the step logs carried over). */
function eventsTo(root: string, runDir: string, onStep: (e: StepEvent) => void): NonNullable<Options['onEvent']> {
  return (_r, e) => {
    if (e.type === 'taskrun-start') onStep({ type: 'taskrun', taskRun: e.taskRun, pipelineTask: e.pipelineTask ?? null, state: 'running', at: e.at });
    else if (e.type === 'taskrun-end') onStep({ type: 'taskrun', taskRun: e.taskRun, pipelineTask: e.pipelineTask ?? null, state: e.succeeded === 'True' ? 'succeeded' : 'failed', at: e.at });
    else if (e.type === 'step-start' || e.type === 'step-end') {
      const logPath = relative(root, join(runDir, e.taskRun, `${e.step}.log`));
      const ended = e.type === 'step-end';
      onStep({ type: 'step', taskRun: e.taskRun, step: e.step, state: ended ? (e.exitCode === 0 ? 'succeeded' : 'failed') : 'running', logPath, exitCode: ended ? e.exitCode : null, at: e.at });
    } else if (e.type === 'pipelinetask-reused') {
      for (const taskRun of e.taskRuns) {
        onStep({ type: 'taskrun', taskRun, pipelineTask: e.pipelineTask, state: 'succeeded', at: e.at });
        const logs = join(runDir, taskRun);
        const steps = existsSync(logs) ? readdirSync(logs).filter((f) => f.endsWith('.log')) : [];
        for (const f of steps) onStep({ type: 'step', taskRun, step: f.slice(0, -4), state: 'succeeded', logPath: relative(root, join(logs, f)), exitCode: 0, at: e.at });
      }
    }
  };
}

function resultOf(status: Record<string, unknown> | null, signal: AbortSignal, recordDir: string): ExecuteResult {
  const c = conditionOf(status);
  const cancelled = signal.aborted || /Cancelled/.test(c.reason ?? '');
  const state = c.status === 'True' ? 'succeeded' : cancelled ? 'cancelled' : 'failed';
  return { state, reason: c.reason ?? 'Unknown', message: c.message ?? '', status, recordDir };
}

/** A rerun of only what failed of `run.retryOf`: the executor's retry of its record, under this run's name. */
async function retryRun(ctx: BackendContext, run: RunRow, signal: AbortSignal, onStep: (e: StepEvent) => void): Promise<ExecuteResult> {
  const runDir = runDirOf(ctx.root, run.name);
  const recordDir = relative(ctx.root, runDir);
  const { retry, outcome } = await retryFailedRun(ctx.root, run.retryOf!, { executeTaskRun, executePipelineRun }, {
    name: run.name,
    signal,
    ...(ctx.sandbox === undefined ? {} : { sandbox: ctx.sandbox }),
    onEvent: eventsTo(ctx.root, runDir, onStep),
  });
  if (retry.kind === 'nothing') return { state: 'succeeded', reason: 'NothingToRetry', message: retry.message, status: null, recordDir };
  return resultOf((outcome?.status ?? null) as Record<string, unknown> | null, signal, recordDir);
}

/** Reruns only what failed of a recorded PipelineRun (the executor's `retryFailedRun`); its runs die with the process. */
export function embeddedBackend(ctx: BackendContext): Backend {
  const backend: Backend = async (run, signal, onStep) => {
    if (run.retryOf) return retryRun(ctx, run, signal, onStep);
    // Untrusted code: its secret workspaces were rebound to emptyDir when stored; no host secret directory either.
    const secretsDir = run.bindSecrets === false ? undefined : ctx.secretsDir;
    const dir = join(ctx.root, '.plumbing', 'serve', 'resources');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${run.name}.yaml`);
    writeFileSync(file, `${JSON.stringify(run.resource, null, 2)}\n`);
    const recordDir = relative(ctx.root, runDirOf(ctx.root, run.name));
    const plan = await loadRunsFromFiles({ root: ctx.root, cwd: ctx.root, files: [file] });
    const errors = plan.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0 || plan.runs.length !== 1) {
      const msg = errors.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`).join('; ') || `expected one run in ${file}`;
      return { state: 'failed', reason: 'InvalidRun', message: msg, status: null, recordDir };
    }
    const loaded = plan.runs[0]!;
    loaded.hostDirs = { ...loaded.hostDirs, ...secretHostDirs(run.resource, secretsDir) };
    const runDir = runDirOf(ctx.root, run.name);
    const outcomes = await executeRuns(plan, { executeTaskRun, executePipelineRun }, {
      signal,
      ...(ctx.sandbox === undefined ? {} : { sandbox: ctx.sandbox }),
      onEvent: eventsTo(ctx.root, runDir, onStep),
    });
    return resultOf((outcomes[0]?.status ?? null) as Record<string, unknown> | null, signal, recordDir);
  };
  backend.retriesFailed = true;
  return backend;
}
