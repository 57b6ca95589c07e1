import type { KubeObject, ObjectRef } from '@plumbing/kube';
import { objectKey } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { checkAbort, type EngineContext, realSleep } from './engine-context.js';

function condition(obj: KubeObject, type: string): string | undefined {
  const conds = (obj.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions;
  return conds?.find((c) => c.type === type)?.status;
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
