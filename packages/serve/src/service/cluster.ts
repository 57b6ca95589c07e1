/**
 * The cluster backend (`plumbing serve --backend cluster`), the second implementation of the
 * runner's `Backend` seam (embedded.ts is the first): a stored run's PipelineRun is created on the
 * cluster through the kube port and followed — its Succeeded condition, its child TaskRuns and
 * their steps go into the store as they change, and each finished TaskRun's step logs are copied
 * from its pod into `.plumbing/serve/cluster/<run>/<taskrun>/<step>.log` (or a note saying why
 * they could not be read). Tekton's controller runs it; nothing runs here.
 *
 * Cancel: `spec.status: Cancelled` is patched and the run ends here as cancelled. Service stop,
 * or a service killed (SIGKILL, a lost pod): the PipelineRun is left running; the run goes back to
 * the queue (at the next start for a killed one: the backend is `resumable`) and its create finds
 * it (409) and follows it again, reporting its end.
 *
 * A rerun of only what failed (`retryOf`): a new PipelineRun built by model's
 * retryPipelineRunResource from the original as the cluster has it (its resolved pipelineSpec,
 * its TaskRuns' results and claims) — Tekton itself cannot skip tasks (tektoncd/pipeline#50).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PipelineRunApi } from '@plumbing/kube';
import { isMap, PlumbingError, retryPipelineRunResource, type RetryTaskRunFacts } from '@plumbing/model';
import type { RunRow } from '../store/store.js';
import type { Backend, ExecuteResult, StepEvent } from './embedded.js';
import { ServiceStopping } from './runner.js';

export interface ClusterBackendOptions {
  api: PipelineRunApi;
  /** Repository root: logs go under `<root>/.plumbing/serve/cluster/`. */
  root: string;
  /** Namespace of the PipelineRuns (default: the stored run's namespace). */
  namespace?: string;
  /** Wait between two reads of a run (default 3 s). */
  pollMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => Date;
}

type Json = Record<string, unknown>;
/** Reads of a run that may fail in a row before the run is given up as failed (ClusterUnreachable). */
const MAX_READ_FAILURES = 5;
const CANCELLED_REASONS = new Set(['Cancelled', 'PipelineRunCancelled', 'CancelledRunFinally', 'StoppedRunFinally']);

function conditionOf(obj: unknown): { status?: string; reason?: string; message?: string } {
  const st = isMap(obj) && isMap(obj.status) ? obj.status : {};
  const conds = Array.isArray(st.conditions) ? st.conditions.filter(isMap) : [];
  return (conds.find((c) => c.type === 'Succeeded') ?? {}) as { status?: string; reason?: string; message?: string };
}

const stateOf = (c: { status?: string }) => (c.status === 'True' ? 'succeeded' : c.status === 'False' ? 'failed' : 'running');

const sleepFor = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Creates the PipelineRun, or finds the one an earlier start of the service created (same name). */
async function createOrAdopt(api: PipelineRunApi, ns: string, name: string, resource: Json): Promise<void> {
  const meta = isMap(resource.metadata) ? resource.metadata : {};
  const { namespace: _ns, generateName: _g, ...rest } = meta;
  try {
    await api.create(ns, { ...resource, metadata: { ...rest, name } });
  } catch (e) {
    if (!(e instanceof PlumbingError && e.code === 'KUBE_CONFLICT')) throw e;
  }
}

const maps = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isMap) : []);

/** The facts of the original's TaskRuns a retry needs: outcome, results, the claims of their workspaces. */
async function taskRunFacts(api: PipelineRunApi, ns: string, original: Json): Promise<RetryTaskRunFacts[]> {
  const st = isMap(original.status) ? original.status : {};
  const out: RetryTaskRunFacts[] = [];
  for (const c of maps(st.childReferences).filter((x) => x.kind === 'TaskRun' && typeof x.name === 'string')) {
    const tr = await api.taskRun(ns, String(c.name));
    if (!tr) continue;
    const trStatus = isMap(tr.status) ? tr.status : {};
    const spec = isMap(tr.spec) ? tr.spec : {};
    out.push({
      pipelineTask: String(c.pipelineTaskName ?? ''),
      succeeded: conditionOf(tr).status === 'True',
      results: maps(trStatus.results).map((r) => ({ name: String(r.name), value: r.value })),
      claims: maps(spec.workspaces).flatMap((w) => (isMap(w.persistentVolumeClaim) && typeof w.persistentVolumeClaim.claimName === 'string' ? [{ workspace: String(w.name), claimName: w.persistentVolumeClaim.claimName }] : [])),
    });
  }
  return out;
}

/** The PipelineRun to create for a run: its stored resource, or for a retry the rerun of what failed of the original. */
async function resourceOf(api: PipelineRunApi, ns: string, run: RunRow): Promise<Json> {
  if (!run.retryOf) return run.resource;
  const original = await api.get(ns, run.retryOf);
  const plan = retryPipelineRunResource(original, await taskRunFacts(api, ns, original), run.name);
  const what = [`rerun: ${plan.rerun.join(', ') || 'none'}`, `reused: ${plan.reuse.join(', ') || 'none'}`, ...plan.notes].join('; ');
  const meta = plan.resource.metadata as Json;
  return { ...plan.resource, metadata: { ...meta, annotations: { ...(meta.annotations as Json), 'plumbing.dev/retry-of': run.retryOf, 'plumbing.dev/retry': what } } };
}

/** Follows one PipelineRun's child TaskRuns and steps into `onStep`, each change once, logs at each TaskRun's end. */
class Follower {
  private readonly taskRuns = new Map<string, string>();
  private readonly steps = new Map<string, string>();
  readonly logDir: string;

  constructor(
    private readonly o: ClusterBackendOptions,
    private readonly ns: string,
    run: RunRow,
    private readonly onStep: (e: StepEvent) => void,
  ) {
    this.logDir = join(o.root, '.plumbing', 'serve', 'cluster', run.name);
  }

  private at(): string {
    return (this.o.now ?? (() => new Date()))().toISOString();
  }

  async poll(pr: Json): Promise<void> {
    const st = isMap(pr.status) ? pr.status : {};
    const children = (Array.isArray(st.childReferences) ? st.childReferences.filter(isMap) : []).filter((c) => c.kind === 'TaskRun' && typeof c.name === 'string');
    for (const c of children) {
      const name = String(c.name);
      if (this.taskRuns.get(name) === 'succeeded' || this.taskRuns.get(name) === 'failed') continue;
      const tr = await this.o.api.taskRun(this.ns, name);
      if (tr) await this.taskRun(name, typeof c.pipelineTaskName === 'string' ? c.pipelineTaskName : null, tr);
    }
  }

  private async taskRun(name: string, pipelineTask: string | null, tr: Json): Promise<void> {
    const state = stateOf(conditionOf(tr));
    const st = isMap(tr.status) ? tr.status : {};
    if (!this.taskRuns.has(name)) {
      this.taskRuns.set(name, 'running');
      this.onStep({ type: 'taskrun', taskRun: name, pipelineTask, state: 'running', at: typeof st.startTime === 'string' ? st.startTime : this.at() });
    }
    const steps = (Array.isArray(st.steps) ? st.steps.filter(isMap) : []).filter((s) => typeof s.name === 'string');
    for (const s of steps) if (isMap(s.running) || isMap(s.terminated)) this.step(name, s, false);
    if (state === 'running') return;
    const pod = typeof st.podName === 'string' ? st.podName : '';
    for (const s of steps) {
      await this.copyLogs(name, pod, s);
      this.step(name, s, true);
    }
    this.taskRuns.set(name, state);
    this.onStep({ type: 'taskrun', taskRun: name, pipelineTask, state, at: typeof st.completionTime === 'string' ? st.completionTime : this.at() });
  }

  private logPath(taskRun: string, step: string): string {
    return join(this.logDir, taskRun, `${step}.log`);
  }

  private step(taskRun: string, s: Json, final: boolean): void {
    const name = String(s.name);
    const term = isMap(s.terminated) ? s.terminated : undefined;
    const state = term && final ? (term.exitCode === 0 ? 'succeeded' : 'failed') : 'running';
    const key = `${taskRun}/${name}`;
    if (this.steps.get(key) === state) return;
    this.steps.set(key, state);
    const at = term && final && typeof term.finishedAt === 'string' ? term.finishedAt : isMap(s.running) && typeof s.running.startedAt === 'string' ? s.running.startedAt : this.at();
    const exitCode = term && final && typeof term.exitCode === 'number' ? term.exitCode : null;
    this.onStep({ type: 'step', taskRun, step: name, state, logPath: relative(this.o.root, this.logPath(taskRun, name)), exitCode, at });
  }

  /** The step's container log from the TaskRun's pod, or a note saying why there is none. */
  private async copyLogs(taskRun: string, pod: string, s: Json): Promise<void> {
    const name = String(s.name);
    const container = typeof s.container === 'string' ? s.container : `step-${name}`;
    let text: string;
    if (!pod) text = `(no logs: TaskRun ${taskRun} has no pod in its status)\n`;
    else {
      text = await this.o.api.logs(this.ns, pod, container).catch((e: unknown) => `(logs of pod ${pod} container ${container} unavailable: ${e instanceof Error ? e.message : String(e)})\n`);
    }
    mkdirSync(join(this.logDir, taskRun), { recursive: true });
    writeFileSync(this.logPath(taskRun, name), text);
  }
}

function result(pr: Json | undefined, c: { status?: string; reason?: string; message?: string }, recordDir: string): ExecuteResult {
  const status = pr && isMap(pr.status) ? (pr.status as Json) : null;
  const state = c.status === 'True' ? 'succeeded' : CANCELLED_REASONS.has(c.reason ?? '') ? 'cancelled' : 'failed';
  return { state, reason: c.reason ?? 'Unknown', message: c.message ?? '', status, recordDir };
}

export function clusterBackend(o: ClusterBackendOptions): Backend {
  const sleep = o.sleep ?? sleepFor;
  const backend: Backend = async (run, signal, onStep) => {
    const ns = o.namespace ?? run.namespace;
    const f = new Follower(o, ns, run, onStep);
    const recordDir = relative(o.root, f.logDir);
    if (run.resourceKind !== 'PipelineRun') {
      return { state: 'failed', reason: 'UnsupportedOnCluster', message: `the cluster backend creates PipelineRuns; ${run.name} is a ${run.resourceKind}`, status: null, recordDir };
    }
    await createOrAdopt(o.api, ns, run.name, await resourceOf(o.api, ns, run));
    let pr: Json | undefined;
    let failures = 0;
    for (;;) {
      if (signal.aborted) {
        // stopping the service leaves the run to Tekton (followed again after the restart); a cancel stops it there
        if (signal.reason instanceof ServiceStopping) return result(pr, { reason: 'ServiceStopped', message: 'the service stopped following it' }, recordDir);
        await o.api.cancel(ns, run.name);
        return result(pr, { status: 'False', reason: 'Cancelled', message: `PipelineRun ${ns}/${run.name} was asked to stop (spec.status: Cancelled)` }, recordDir);
      }
      try {
        pr = await o.api.get(ns, run.name);
        await f.poll(pr);
        failures = 0;
      } catch (e) {
        // the API server may be briefly away (an upgrade, a network blip): give up after a few reads in a row
        if (++failures >= MAX_READ_FAILURES) {
          return result(pr, { status: 'False', reason: 'ClusterUnreachable', message: `lost PipelineRun ${ns}/${run.name}: ${e instanceof Error ? e.message : String(e)}` }, recordDir);
        }
      }
      const c = conditionOf(pr);
      if (failures === 0 && (c.status === 'True' || c.status === 'False')) return result(pr, c, recordDir);
      await sleep(o.pollMs ?? 3000, signal);
    }
  };
  backend.retriesFailed = true;
  backend.resumable = true;
  return backend;
}
