/**
 * Sidecars (Tekton's `sidecars`): started before the steps as background processes, the same
 * launch as a step (step-launch.ts: in the pulled image when there is one, with the host's tools
 * otherwise), in the pod's network (here, the host's, as the steps); the steps start when every
 * sidecar runs and its readinessProbe (tcpSocket or httpGet) answers; after the steps each one is
 * stopped (its process group killed). status.sidecars follows Tekton's SidecarState: `running`
 * while up, then `terminated` — a sidecar stopped by the TaskRun ends as Tekton's nop image leaves
 * it (exitCode 0, Completed); one that exited on its own keeps its exit code.
 */
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import type { SidecarState } from '../contracts.js';
import type { PreparedStep } from '../taskrun/task-prepare.js';
import type { StepContext } from './step-context.js';
import { stepLaunch } from './step-launch.js';
import { runStepProcess, type StepOutcome } from './step-runtime.js';


/** The probe handlers run here: tcpSocket, httpGet, and exec (the command launched like the sidecar, exit 0 = success). */
interface Probe {
  exec?: { command?: string[] };
  tcpSocket?: { port: number | string; host?: string };
  httpGet?: { port: number | string; path?: string; host?: string; scheme?: string };
}

export interface RunningSidecars {
  states: SidecarState[];
  /** Stops every sidecar and waits for it; the states are final after. */
  stop(): Promise<void>;
}

interface Started {
  state: SidecarState;
  abort: AbortController;
  done: Promise<StepOutcome>;
  exited: StepOutcome | undefined;
  cleanup: (() => Promise<void>) | undefined;
}

/** Starts the sidecars and waits until they are ready (or exited, or the TaskRun aborted). */
export async function startSidecars(ctx: StepContext, sidecars: readonly PreparedStep[]): Promise<RunningSidecars> {
  const started = await Promise.all(sidecars.map((sc) => startOne(ctx, sc)));
  await Promise.all(started.map((s, i) => (s.exited === undefined ? waitReady(ctx, s, sidecars[i]!) : undefined)));
  return {
    states: started.map((s) => s.state),
    stop: async () => {
      await Promise.all(started.map((s) => stopOne(ctx, s)));
    },
  };
}

async function startOne(ctx: StepContext, sc: PreparedStep): Promise<Started> {
  const state: SidecarState = { name: sc.name || `unnamed-${sc.index}`, container: sc.container };
  const abort = new AbortController();
  await Promise.all([mkdir(join(ctx.hostPaths.run, String(sc.index)), { recursive: true }), mkdir(join(ctx.root, 'root', String(sc.index)), { recursive: true })]);
  const launch = await stepLaunch(ctx, sc, sc.step);
  const at = ctx.now();
  if ('refused' in launch) {
    ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" sidecar "${state.name}": ${launch.refused.message}` });
    state.terminated = { exitCode: launch.refused.exitCode, reason: 'Error', message: launch.refused.message, startedAt: at, finishedAt: at };
    const outcome = { exitCode: launch.refused.exitCode, timedOut: false, aborted: false };
    return { state, abort, done: Promise.resolve(outcome), exited: outcome, cleanup: undefined };
  }
  if (launch.image) state.imageID = launch.image.id;
  state.running = { startedAt: at };
  const onTaskAbort = (): void => abort.abort();
  ctx.signal.addEventListener('abort', onTaskAbort, { once: true });
  const s: Started = { state, abort, done: Promise.resolve({ exitCode: 0, timedOut: false, aborted: false }), exited: undefined, cleanup: undefined };
  s.done = runStepProcess({ file: launch.file, args: launch.args, env: launch.env, cwd: launch.cwd, logPath: join(ctx.req.logDir, `${sc.container}.log`), signal: abort.signal }).then((o) => {
    ctx.signal.removeEventListener('abort', onTaskAbort);
    s.exited = o;
    return o;
  });
  const image = launch.image;
  if (image) {
    s.cleanup = async () => {
      image.release();
    };
  }
  return s;
}

async function stopOne(ctx: StepContext, s: Started): Promise<void> {
  const stoppedByUs = s.exited === undefined;
  s.abort.abort();
  const o = await s.done;
  await s.cleanup?.();
  const startedAt = s.state.running?.startedAt;
  if (startedAt === undefined) return;
  delete s.state.running;
  const finishedAt = ctx.now();
  // Tekton stops a sidecar by swapping its image for nop, which exits 0
  s.state.terminated = stoppedByUs ? { exitCode: 0, reason: 'Completed', startedAt, finishedAt } : { exitCode: o.exitCode, reason: o.exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt };
}

/** The kubelet's order: the startupProbe until it succeeds, then the readinessProbe (Ready gates the steps). */
function probesOf(sc: PreparedStep): Probe[] {
  const st = sc.step as { startupProbe?: Probe; readinessProbe?: Probe };
  return [st.startupProbe, st.readinessProbe].filter((p): p is Probe => !!p && !!(p.exec?.command?.length || p.tcpSocket || p.httpGet));
}

/** Polls each probe until it answers, the sidecar exits or the TaskRun is aborted. */
async function waitReady(ctx: StepContext, s: Started, sc: PreparedStep): Promise<void> {
  for (const probe of probesOf(sc)) {
    while (s.exited === undefined && !ctx.signal.aborted) {
      if (await (probe.exec ? execProbeOnce(ctx, sc, probe.exec.command ?? []) : probeOnce(probe))) break;
      await Promise.race([new Promise((r) => setTimeout(r, 50)), s.done]);
    }
  }
}

/** An exec probe: the command in the sidecar's environment and mounts; its output goes to the sidecar's probe log. */
async function execProbeOnce(ctx: StepContext, sc: PreparedStep, command: string[]): Promise<boolean> {
  const { script: _s, args: _a, ...rest } = sc.step;
  const launch = await stepLaunch(ctx, sc, { ...rest, command });
  if ('refused' in launch) return false;
  try {
    const o = await runStepProcess({ file: launch.file, args: launch.args, env: launch.env, cwd: launch.cwd, logPath: join(ctx.req.logDir, `${sc.container}.probe.log`), signal: ctx.signal });
    return o.exitCode === 0;
  } finally {
    launch.image?.release();
  }
}

function probeOnce(probe: Probe): Promise<boolean> {
  return new Promise((resolve) => {
    if (probe.tcpSocket) {
      const sock = connect({ host: probe.tcpSocket.host || '127.0.0.1', port: Number(probe.tcpSocket.port) });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
      return;
    }
    const h = probe.httpGet!;
    const req = request({ host: h.host || '127.0.0.1', port: Number(h.port), path: h.path || '/', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      // Kubernetes: 200 <= status < 400 is success
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}
