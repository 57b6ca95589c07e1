import type { KubeObject, ObjectRef } from '@plumbing/kube';
import { objectKey, refOf } from '@plumbing/kube';
import type { HealthCheck } from '@plumbing/model';
import { type ApplyProgress, type EngineContext, GateError } from '../engine-context.js';
import { waitHealthy } from '../health.js';
import type { Plan } from '../plan.js';
import type { Gate } from './types.js';

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

/** The health checks gate: the workloads this deploy changed and the cluster config's healthChecks become healthy in time. */
export const healthChecksGate: Gate = {
  name: 'health checks',
  phase: 'after-apply',
  async run(input) {
    const a = input.applied!;
    const targets = healthTargets(a.plan, a.desired, input.config.spec?.healthChecks ?? [], a.defaultNamespace);
    if (targets.length) await runHealthWaits(a.ctx, targets, a.progress);
  },
};
