import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeObject, KubePort, ObjectRef } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';

export interface LeaseOptions {
  port: KubePort;
  namespace: string;
  /** The Lease's name (one per cluster). */
  name: string;
  holder: string;
  durationSeconds: number;
  /** How long to wait for a lease another deploy holds (0: fail at once). */
  waitMs?: number;
  log?: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface LeaseHandle {
  holder: string;
  /** Aborted when a renewal finds the lease taken by another holder. */
  lost: AbortSignal;
  release(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** `hostname/pid/random`: unique per process, readable in the lock message (the pod name in a cluster). */
export function defaultHolder(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** MicroTime as the API wants it: RFC 3339 with 6 fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function leaseName(cluster: string): string {
  return `plumbing-deploy-${cluster}`;
}

/** Whether a lease is held by someone (not expired) at `now`. */
export function leaseHeld(spec: LeaseSpec, now: number): { held: boolean; expiresAt?: number } {
  if (!spec.holderIdentity) return { held: false };
  const renew = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (!Number.isFinite(renew)) return { held: false };
  const expiresAt = renew + (spec.leaseDurationSeconds ?? 0) * 1000;
  return { held: expiresAt > now, expiresAt };
}

function isConflict(e: unknown): boolean {
  return e instanceof PlumbingError && (e.code === 'KUBE_CONFLICT' || e.code === 'KUBE_NOT_FOUND');
}

/**
 * Takes the per-cluster coordination.k8s.io/v1 Lease: created when missing, taken over when
 * expired, renewed every third of its duration while held. A live lease of another holder is
 * waited on up to `waitMs`, then reported with its holder and expiry.
 */
export async function acquireLease(opts: LeaseOptions): Promise<LeaseHandle> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ref: ObjectRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: opts.name, namespace: opts.namespace };
  const deadline = now() + (opts.waitMs ?? 0);
  let current: KubeObject | undefined;
  let announced = false;
  for (;;) {
    const cur = await opts.port.get(ref);
    const t = now();
    const spec: LeaseSpec = { holderIdentity: opts.holder, leaseDurationSeconds: opts.durationSeconds, acquireTime: microTime(t), renewTime: microTime(t) };
    try {
      if (!cur) {
        current = await opts.port.create({ apiVersion: ref.apiVersion, kind: 'Lease', metadata: { name: opts.name, namespace: opts.namespace }, spec: { ...spec, leaseTransitions: 0 } });
        break;
      }
      const old = (cur.spec ?? {}) as LeaseSpec;
      const state = leaseHeld(old, t);
      if (!state.held || old.holderIdentity === opts.holder) {
        if (state.held === false && old.holderIdentity && old.holderIdentity !== opts.holder) opts.log?.(`taking over the expired lease of ${old.holderIdentity}`);
        current = await opts.port.replace({ ...cur, spec: { ...spec, leaseTransitions: (old.leaseTransitions ?? 0) + (old.holderIdentity === opts.holder ? 0 : 1) } });
        break;
      }
      if (t >= deadline) {
        throw new PlumbingError('DEPLOY_LOCKED', `another deploy holds the lease ${opts.namespace}/${opts.name}: ${old.holderIdentity}, until ${new Date(state.expiresAt!).toISOString()} unless renewed`, {
          hint: 'wait for it with --wait-lock DURATION (e.g. --wait-lock 10m)',
        });
      }
      if (!announced) opts.log?.(`waiting for the lease held by ${old.holderIdentity} (expires ${new Date(state.expiresAt!).toISOString()} unless renewed)`);
      announced = true;
      await sleep(Math.min(1000, Math.max(50, deadline - t)));
    } catch (e) {
      if (isConflict(e)) continue; // lost a race: look again
      throw e;
    }
  }
  const lost = new AbortController();
  let stopped = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    if (stopped || !current) return;
    try {
      const spec = { ...(current.spec as LeaseSpec), renewTime: microTime(now()) };
      current = await opts.port.replace({ ...current, spec });
    } catch (e) {
      if (!stopped) lost.abort(new PlumbingError('DEPLOY_LEASE_LOST', `lost the lease ${opts.namespace}/${opts.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
  const timer = setInterval(() => {
    renewing = renew();
  }, Math.max(200, (opts.durationSeconds * 1000) / 3));
  timer.unref();
  return {
    holder: opts.holder,
    lost: lost.signal,
    async release() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await renewing;
      if (!current || lost.signal.aborted) return;
      try {
        const { holderIdentity: _h, ...rest } = current.spec as LeaseSpec;
        await opts.port.replace({ ...current, spec: { ...rest, renewTime: microTime(now()) } });
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    },
  };
}
