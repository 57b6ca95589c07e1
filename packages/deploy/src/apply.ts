import type { KubeObject, KubePort, ObjectRef } from '@plumbing/kube';
import { objectKey, refOf } from '@plumbing/kube';
import type { HealthCheck } from '@plumbing/model';
import { PlumbingError } from '@plumbing/model';
import type { Plan, PlanItem } from './plan.js';
import { pool } from './pool.js';
import { STAGES } from './stages.js';

export interface EngineContext {
  port: KubePort;
  /** Objects applied at once within a stage (default 16). */
  concurrency?: number;
  log: (line: string) => void;
  /** Aborted when the deploy must stop (lost lease, newer revision, signal). Checked between steps. */
  signal?: AbortSignal | undefined;
  /** Milliseconds between polls of a wait (default 250). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Take over fields other managers own in objects that are not in the inventory yet (default false: such a conflict fails). */
  forceAdopt?: boolean;
}

/** What an apply did so far: a failed apply still tells what it created, updated and pruned. */
export interface ApplyProgress {
  created: string[];
  updated: string[];
  pruned: KubeObject[];
  stage?: string;
}

/** A failed gate: which one, and what had been done when it failed. */
export class GateError extends PlumbingError {
  readonly gate: string;
  readonly progress: ApplyProgress;
  constructor(gate: string, message: string, progress: ApplyProgress, cause?: unknown) {
    super('DEPLOY_GATE_FAILED', `${gate}: ${message}`, cause === undefined ? {} : { cause });
    this.gate = gate;
    this.progress = progress;
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function checkAbort(ctx: EngineContext): void {
  if (ctx.signal?.aborted) throw new PlumbingError('DEPLOY_ABORTED', `deploy stopped: ${ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason)}`);
}

function condition(obj: KubeObject, type: string): string | undefined {
  const conds = (obj.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions;
  return conds?.find((c) => c.type === type)?.status;
}

/** A 409 on an object outside the inventory: say whose fields, and how to take them over. */
export function conflictHint(e: unknown, key: string): unknown {
  if (e instanceof PlumbingError && e.code === 'KUBE_CONFLICT') {
    return new PlumbingError('DEPLOY_CONFLICT', `${key} exists outside this inventory and other field managers set fields it sets differently: ${e.message}`, { cause: e, hint: 'plumbing deploy --force takes the fields over (and adopts the object)' });
  }
  return e;
}

/** kstatus-style health: whether an object has reached the state its spec asks for. */
export function healthOf(obj: KubeObject | undefined): { healthy: boolean; reason: string } {
  if (!obj) return { healthy: false, reason: 'not found' };
  if (obj.metadata.deletionTimestamp) return { healthy: false, reason: 'being deleted' };
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const gen = obj.metadata.generation;
  if (typeof status.observedGeneration === 'number' && typeof gen === 'number' && status.observedGeneration < gen) return { healthy: false, reason: `observedGeneration ${status.observedGeneration} < generation ${gen}` };
  switch (obj.kind) {
    case 'Namespace':
      return status.phase === 'Active' ? { healthy: true, reason: 'Active' } : { healthy: false, reason: `phase ${String(status.phase ?? 'unknown')}` };
    case 'CustomResourceDefinition':
      return condition(obj, 'Established') === 'True' ? { healthy: true, reason: 'Established' } : { healthy: false, reason: 'not Established' };
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const want = ((obj.spec as { replicas?: number } | undefined)?.replicas ?? 1) as number;
      const ready = Number(status.readyReplicas ?? 0);
      const updated = Number(status.updatedReplicas ?? 0);
      if (status.observedGeneration === undefined) return { healthy: false, reason: 'not observed by its controller yet' };
      if (updated < want || ready < want) return { healthy: false, reason: `${ready}/${want} ready, ${updated}/${want} updated` };
      if (obj.kind === 'Deployment' && condition(obj, 'Available') === 'False') return { healthy: false, reason: 'not Available' };
      return { healthy: true, reason: `${ready}/${want} ready` };
    }
    case 'DaemonSet': {
      const want = Number(status.desiredNumberScheduled ?? 0);
      const ready = Number(status.numberReady ?? 0);
      return status.observedGeneration !== undefined && ready >= want ? { healthy: true, reason: `${ready}/${want} ready` } : { healthy: false, reason: `${ready}/${want} ready` };
    }
    case 'Job':
      if (condition(obj, 'Failed') === 'True') return { healthy: false, reason: 'Failed' };
      return condition(obj, 'Complete') === 'True' ? { healthy: true, reason: 'Complete' } : { healthy: false, reason: 'not Complete' };
  }
  const ready = condition(obj, 'Ready');
  if (ready !== undefined) return ready === 'True' ? { healthy: true, reason: 'Ready' } : { healthy: false, reason: 'not Ready' };
  return { healthy: true, reason: 'exists' };
}

/** Polls an object until healthy; fails with the last reason after `timeoutMs`. */
export async function waitHealthy(ctx: EngineContext, ref: ObjectRef, timeoutMs: number): Promise<void> {
  const now = ctx.now ?? Date.now;
  const sleep = ctx.sleep ?? realSleep;
  const deadline = now() + timeoutMs;
  for (;;) {
    checkAbort(ctx);
    const h = healthOf(await ctx.port.get(ref));
    if (h.healthy) return;
    if (now() >= deadline) throw new PlumbingError('DEPLOY_UNHEALTHY', `${objectKey(ref)} not healthy after ${Math.round(timeoutMs / 1000)}s: ${h.reason}`);
    await sleep(ctx.pollMs ?? 250);
  }
}

/**
 * Applies the plan's creates and updates stage by stage (server-side apply, concurrently within
 * a stage); after the first stage waits until Namespaces are Active and CRDs Established.
 * `progress` is filled as it goes, so a failure still tells what was created.
 */
export async function applyStages(ctx: EngineContext, plan: Plan, desired: ReadonlyMap<string, KubeObject>, progress: ApplyProgress): Promise<void> {
  for (let s = 0; s < STAGES.length; s++) {
    const stage = STAGES[s]!;
    progress.stage = stage;
    const todo = plan.items.filter((it) => it.stage === s && (it.action === 'create' || it.action === 'update'));
    if (todo.length === 0) continue;
    checkAbort(ctx);
    const started = Date.now();
    try {
      await pool(todo, ctx.concurrency ?? 16, async (it: PlanItem) => {
        const obj = desired.get(it.key);
        if (!obj) throw new PlumbingError('DEPLOY_INTERNAL', `no desired object for ${it.key}`);
        // Members are ours: force (the repository wins over a hand edit). An object outside the
        // inventory is not: a field another manager (a tool, another applyset) set differently is a conflict.
        const member = it.action !== 'create' && it.note !== 'adopt';
        const r = await ctx.port.apply(obj, { force: member || ctx.forceAdopt === true }).catch((e: unknown) => {
          throw conflictHint(e, it.key);
        });
        if (it.action === 'create' && !r.created) {
          // planned without a dry run: it existed outside the inventory, and is adopted
          it.action = 'update';
          it.note = 'adopted';
          plan.counts.create--;
          plan.counts.update++;
        }
        (r.created ? progress.created : progress.updated).push(it.key);
      });
      if (s === 0) {
        await pool(todo, ctx.concurrency ?? 16, async (it) => {
          const obj = desired.get(it.key)!;
          await waitHealthy(ctx, refOf(obj), 60_000);
        });
      }
    } catch (e) {
      throw new GateError(`stage ${stage}`, e instanceof Error ? e.message : String(e), progress, e);
    }
    ctx.log(`applied stage ${stage}: ${todo.length} object(s) in ${Date.now() - started} ms`);
  }
}

/** Kinds whose rollout a deploy waits for when it creates or updates them. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Default wait for a workload this deploy changed (seconds), when no health check names it. */
export const DEFAULT_WORKLOAD_TIMEOUT_SECONDS = 300;

/**
 * The workloads this deploy created or updated (kstatus-style waits, Flux's `wait: true`), plus
 * the cluster config's health checks; a health check's timeout applies to the object it names
 * (default 120 s), other workloads get 300 s.
 */
export function healthTargets(plan: Plan, desired: ReadonlyMap<string, KubeObject>, checks: readonly HealthCheck[], defaultNamespace: string | undefined): { ref: ObjectRef; timeoutMs: number }[] {
  const out = new Map<string, { ref: ObjectRef; timeoutMs: number }>();
  for (const it of plan.items) {
    if ((it.action !== 'create' && it.action !== 'update') || !WORKLOAD_KINDS.has(it.kind)) continue;
    const obj = desired.get(it.key);
    if (obj) out.set(objectKey(refOf(obj)), { ref: refOf(obj), timeoutMs: DEFAULT_WORKLOAD_TIMEOUT_SECONDS * 1000 });
  }
  for (const c of checks) {
    const ref = { apiVersion: API_VERSIONS[c.kind] ?? 'apps/v1', kind: c.kind, name: c.name, namespace: c.namespace ?? defaultNamespace };
    out.set(objectKey(ref), { ref, timeoutMs: (c.timeoutSeconds ?? 120) * 1000 });
  }
  return [...out.values()];
}

/** Waits for every health target at once; the first that times out fails the gate. */
export async function runHealthWaits(ctx: EngineContext, targets: readonly { ref: ObjectRef; timeoutMs: number }[], progress: ApplyProgress): Promise<void> {
  progress.stage = 'health checks';
  try {
    await Promise.all(
      targets.map(async (t) => {
        await waitHealthy(ctx, t.ref, t.timeoutMs);
        ctx.log(`healthy: ${objectKey(t.ref)}`);
      }),
    );
  } catch (e) {
    throw new GateError('health checks', e instanceof Error ? e.message : String(e), progress, e);
  }
}

/** apiVersions of the kinds a health check may name. */
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Namespace: 'v1',
  Service: 'v1',
  ConfigMap: 'v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  EventListener: 'triggers.tekton.dev/v1beta1',
  Task: 'tekton.dev/v1',
  Pipeline: 'tekton.dev/v1',
};

/** Deletes the plan's prunes, workloads first and Namespaces last. */
export async function prune(ctx: EngineContext, plan: Plan, live: ReadonlyMap<string, KubeObject>, progress: ApplyProgress): Promise<void> {
  progress.stage = 'prune';
  const todo = plan.items.filter((it) => it.action === 'prune');
  for (let s = STAGES.length - 1; s >= 0; s--) {
    const batch = todo.filter((it) => it.stage === s);
    checkAbort(ctx);
    try {
      await pool(batch, ctx.concurrency ?? 16, async (it) => {
        const obj = live.get(it.key);
        if (!obj) return;
        await ctx.port.delete(refOf(obj));
        progress.pruned.push(obj);
      });
    } catch (e) {
      throw new GateError('prune', e instanceof Error ? e.message : String(e), progress, e);
    }
  }
  if (todo.length) ctx.log(`pruned ${todo.length} object(s)`);
}
