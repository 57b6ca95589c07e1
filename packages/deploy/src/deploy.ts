import type { CallCounts, KubeObject, KubePort } from '@plumbing/kube';
import { objectKey, refOf } from '@plumbing/kube';
import type { ClusterConfig } from '@plumbing/model';
import { PlumbingError } from '@plumbing/model';
import { type EngineContext, GateError } from './engine-context.js';
import { runGates } from './gates/registry.js';
import { applySet, ensureStateNamespace, keptKinds, lastAppliedOf, namespacesOf, observe, prunePolicy, type Target, targetOf } from './engine.js';
import { acquireLease, defaultHolder, type LeaseHandle, leaseName } from './lease.js';
import { computePlan, hasChanges, type Plan, pruneGuard, upToDate } from './plan.js';
import { type RenderedSet, renderCluster } from './render.js';
import { type BadRevision, checkHistorySize, type DeployRecord, encodeHistory, type InventoryState, listHistory, quarantined, readHistoryObjects, readInventory, storeHistory, writeInventory } from './state.js';

export type DeployOutcome = 'no-changes' | 'planned' | 'deployed' | 'rolled-back' | 'quarantined' | 'superseded';

export interface DeployResult {
  outcome: DeployOutcome;
  cluster: string;
  hash: string;
  commit?: string | undefined;
  plan?: Plan | undefined;
  /** The revision stored (deployed), or the one rolled back to. */
  revision?: number | undefined;
  message: string;
  /** The failure that caused a rollback. */
  error?: PlumbingError | undefined;
  calls: CallCounts;
}

export interface DeployOptions {
  port: KubePort;
  root: string;
  config: ClusterConfig;
  /** The commit the sources come from, when known (recorded; a newer one supersedes a quarantined revision). */
  commit?: string | undefined;
  dryRun?: boolean;
  /** Skip the no-op fast path and the quarantine of failed revisions, and take over fields other managers own in objects outside the inventory. */
  force?: boolean;
  /** Wait this long for another deploy's lease (default 0: fail at once naming the holder). */
  waitLockMs?: number;
  holder?: string;
  log: (line: string) => void;
  concurrency?: number;
  signal?: AbortSignal;
  pollMs?: number;
  /** Precomputed render (tests, benchmarks). */
  rendered?: RenderedSet;
  /** Run `plumbing check` over the source files before planning (default true): an error refuses the deploy. */
  check?: boolean;
  /**
   * Asks whether a newer revision has arrived (the commit, or undefined). While it applies and
   * waits, the deploy asks every `supersedeCheckMs` (default 30 s); a newer revision cancels the
   * in-flight waits: no rollback, no quarantine, outcome `superseded`.
   */
  newerRevision?: () => Promise<string | undefined>;
  supersedeCheckMs?: number;
  now?: () => number;
}

function engineContext(opts: DeployOptions, lease?: LeaseHandle, superseded?: AbortSignal): EngineContext {
  const signals = [opts.signal, lease?.lost, superseded].filter((s): s is AbortSignal => s !== undefined);
  const ctx: EngineContext = { port: opts.port, log: opts.log, signal: signals.length ? AbortSignal.any(signals) : undefined };
  if (opts.concurrency !== undefined) ctx.concurrency = opts.concurrency;
  if (opts.pollMs !== undefined) ctx.pollMs = opts.pollMs;
  if (opts.force) ctx.forceAdopt = true;
  return ctx;
}

async function withLease<T>(opts: DeployOptions, target: Target, fn: (lease: LeaseHandle) => Promise<T>): Promise<T> {
  await ensureStateNamespace(opts.port, target.stateNamespace);
  const lease = await acquireLease({
    port: opts.port,
    namespace: target.stateNamespace,
    name: leaseName(target.cluster),
    holder: opts.holder ?? defaultHolder(),
    durationSeconds: target.config.spec?.leaseSeconds ?? 300,
    waitMs: opts.waitLockMs ?? 0,
    log: opts.log,
    ...(opts.now ? { now: opts.now } : {}),
  });
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

/**
 * `plumbing deploy CLUSTER`: render, the no-op fast path, quarantine, lease, plan, staged apply
 * with gates, prune, history; on a failed gate, the automatic rollback to the last good set.
 */
export async function deploy(opts: DeployOptions): Promise<DeployResult> {
  const { port } = opts;
  const rendered = opts.rendered ?? renderCluster(opts.root, opts.config);
  const target = targetOf(rendered, opts.config, opts.root);
  const base = { cluster: target.cluster, hash: rendered.hash, commit: opts.commit };
  if (rendered.objects.length === 0) {
    throw new PlumbingError('DEPLOY_EMPTY', `the desired set of ${target.cluster} is empty: refusing to deploy (it would prune everything)`, { hint: 'check the sources of the cluster config' });
  }
  let obs = await observe(port, target, rendered.objects);
  if (!opts.dryRun && !opts.force) {
    const u = upToDate(obs.desired, rendered.hash, obs.state, obs.live, prunePolicy(opts.config));
    if (u.upToDate) return { ...base, outcome: 'no-changes', revision: obs.state.lastGood?.revision, message: `${target.cluster}: no changes (revision ${obs.state.lastGood?.revision}, ${rendered.objects.length} objects)`, calls: port.calls() };
    opts.log(`changes: ${u.reason}`);
  }
  await runGates('before-apply', { root: opts.root, config: opts.config, log: opts.log, files: Object.values(rendered.files) }, opts.check === false ? ['pre-deploy check'] : []);
  // A set too big for its history Secret could never be rolled back to: refuse it before any change.
  checkHistorySize(encodeHistory(target.cluster, target.stateNamespace, { revision: 0, hash: rendered.hash, time: '', objects: 0 }, rendered.objects));
  const bad = opts.force ? undefined : quarantined(obs.state, rendered.hash, opts.commit);
  if (bad && !opts.dryRun) {
    return { ...base, outcome: 'quarantined', message: quarantineMessage(target.cluster, bad), calls: port.calls() };
  }
  if (opts.dryRun) {
    const lastApplied = await lastAppliedOf(port, target, obs.state);
    const plan = await computePlan(port, { cluster: target.cluster, hash: rendered.hash, commit: opts.commit, desired: obs.desired, live: obs.live, policy: prunePolicy(opts.config), crdKinds: obs.crdKinds, lastApplied, mode: 'plan', forceAdopt: opts.force === true });
    return { ...base, outcome: 'planned', plan, message: hasChanges(plan) ? `${target.cluster}: changes pending` : `${target.cluster}: no changes`, calls: port.calls() };
  }
  return withLease(opts, target, async (lease) => {
    // Another deploy may have run before we got the lease: read the inventory again, and the members too if it moved.
    const now = await readInventory(port, target.cluster, target.stateNamespace);
    if (JSON.stringify(now) !== JSON.stringify(obs.state)) obs = await observe(port, target, rendered.objects);
    const newer = new AbortController();
    const watcher = opts.newerRevision ? watchNewer(opts.newerRevision, opts.supersedeCheckMs ?? 30_000, newer, opts.log) : undefined;
    const ctx = engineContext(opts, lease, newer.signal);
    let plan: Plan | undefined;
    try {
      return await deployUnderLease();
    } finally {
      if (watcher) clearInterval(watcher);
    }
    async function deployUnderLease(): Promise<DeployResult> {
      try {
        const lastApplied = await lastAppliedOf(port, target, obs.state);
        const sameAsLast = obs.state.lastGood?.hash === rendered.hash && !obs.state.inFlight;
        const r = await applySet(ctx, target, obs, { hash: rendered.hash, commit: opts.commit, gates: true, lastApplied, skipWhenUnchanged: sameAsLast && !opts.force, onPlan: (p) => { plan = p; } });
        if (r.skipped) {
          return { ...base, outcome: 'no-changes' as const, plan: r.plan, revision: obs.state.lastGood?.revision, message: `${target.cluster}: no changes (revision ${obs.state.lastGood?.revision}; checked object by object)`, calls: port.calls() };
        }
        const record: DeployRecord = { revision: obs.state.lastRevision + 1, hash: rendered.hash, commit: opts.commit, time: new Date((opts.now ?? Date.now)()).toISOString(), objects: obs.desired.length };
        await storeHistory(port, target.cluster, target.stateNamespace, record, rendered.objects, opts.config.spec?.historyLimit ?? 10);
        const state: InventoryState = { ...obs.state, kinds: keptKinds(obs.desired, r.plan), lastGood: record, lastRevision: record.revision, bad: obs.state.bad.filter((b) => b.hash !== rendered.hash).slice(-20), inFlight: undefined };
        await writeInventory(port, target.cluster, target.stateNamespace, target.applysetId, state, namespacesOf(obs.desired));
        const c = r.plan.counts;
        return { ...base, outcome: 'deployed' as const, plan: r.plan, revision: record.revision, message: `${target.cluster}: deployed revision ${record.revision} (${c.create} created, ${c.update} updated, ${c.unchanged} unchanged, ${c.prune} pruned)`, calls: port.calls() };
      } catch (e) {
        if (newer.signal.aborted) {
          return { ...base, outcome: 'superseded' as const, plan, message: `${target.cluster}: ${String(newer.signal.reason)}: the waits of this deploy were cancelled; the newer revision is deployed next`, calls: port.calls() };
        }
        if (lease.lost.aborted || opts.signal?.aborted) throw e;
        const err = e instanceof PlumbingError ? e : new PlumbingError('DEPLOY_FAILED', e instanceof Error ? e.message : String(e), { cause: e });
        opts.log(`deploy failed: ${err.message}`);
        const badRev: BadRevision = { hash: rendered.hash, commit: opts.commit, time: new Date((opts.now ?? Date.now)()).toISOString(), reason: err.message.slice(0, 500) };
        const back = await rollbackAfterFailure(opts, target, e instanceof GateError ? e.progress.created : [], lease);
        const state = await readInventory(port, target.cluster, target.stateNamespace);
        await writeInventory(port, target.cluster, target.stateNamespace, target.applysetId, { ...state, kinds: back.kinds ?? state.kinds, bad: [...state.bad.filter((b) => b.hash !== badRev.hash), badRev].slice(-20), inFlight: undefined }, namespacesOf([...obs.desired, ...obs.live.values()]));
        return {
          ...base,
          outcome: 'rolled-back' as const,
          plan,
          error: err,
          revision: back.revision,
          message: `${target.cluster}: deploy of ${rendered.hash.slice(0, 12)}${opts.commit ? ` (commit ${opts.commit.slice(0, 12)})` : ''} failed: ${err.message}\n${back.message}\nThis revision is quarantined: the next run will not deploy it again until a newer commit or different content arrives (or --force).`,
          calls: port.calls(),
        };
      }
    }
  });
}

/** Asks for a newer revision every `everyMs`; aborts `ctrl` (with the news) when one arrives. An error asking is logged, not fatal. */
function watchNewer(ask: () => Promise<string | undefined>, everyMs: number, ctrl: AbortController, log: (line: string) => void): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy || ctrl.signal.aborted) return;
    busy = true;
    ask()
      .then((commit) => {
        if (commit && !ctrl.signal.aborted) ctrl.abort(`a newer revision arrived (${commit.slice(0, 12)})`);
      })
      .catch((e: unknown) => log(`cannot tell whether a newer revision arrived: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return timer;
}

function quarantineMessage(cluster: string, bad: BadRevision): string {
  return `${cluster}: revision ${bad.hash.slice(0, 12)}${bad.commit ? ` (commit ${bad.commit.slice(0, 12)})` : ''} failed at ${bad.time} and was rolled back (${bad.reason.split('\n')[0]}); not deploying it again until a newer commit or different content arrives (or --force)`;
}

/** Re-applies the last good set with the same engine (deleting what this attempt created), or, with no good set, deletes what it created. */
async function rollbackAfterFailure(opts: DeployOptions, target: Target, created: readonly string[], lease: LeaseHandle): Promise<{ revision?: number; message: string; kinds?: InventoryState['kinds'] }> {
  const ctx = engineContext(opts, lease);
  const state = await readInventory(opts.port, target.cluster, target.stateNamespace);
  if (!state.lastGood) {
    const obs = await observe(opts.port, target, []);
    let deleted = 0;
    const kept: string[] = [];
    for (const key of created) {
      const obj = obs.live.get(key);
      if (!obj) continue;
      const guard = pruneGuard(obj, prunePolicy(target.config));
      if (guard) kept.push(`${key} (${guard})`);
      else if (await opts.port.delete(refOf(obj))) deleted++;
    }
    return { message: `no earlier good revision to roll back to: deleted the ${deleted} object(s) this attempt created${kept.length ? `; kept ${kept.join(', ')}` : ''}` };
  }
  const good = state.lastGood;
  opts.log(`rolling back to revision ${good.revision} (${good.hash.slice(0, 12)})`);
  const objects = await readHistoryObjects(opts.port, target.cluster, target.stateNamespace, good.revision);
  const obs = await observe(opts.port, target, objects);
  try {
    const r = await applySet(ctx, target, obs, { hash: good.hash, commit: good.commit, gates: false });
    const c = r.plan.counts;
    return { revision: good.revision, kinds: keptKinds(obs.desired, r.plan), message: `rolled back to revision ${good.revision}: ${c.create} recreated, ${c.update} restored, ${c.prune} deleted` };
  } catch (e) {
    throw new PlumbingError('DEPLOY_ROLLBACK_FAILED', `the rollback to revision ${good.revision} failed too: ${e instanceof Error ? e.message : String(e)}`, { cause: e, hint: `plumbing deploy rollback ${target.cluster} --to ${good.revision}` });
  }
}

export interface RollbackOptions extends DeployOptions {
  /** The revision to go back to (default: the newest good revision before the current one). */
  to?: number;
}

/** `plumbing deploy rollback`: re-applies a stored revision and quarantines the one it replaces. */
export async function rollback(opts: RollbackOptions): Promise<DeployResult> {
  const name = opts.config.metadata.name ?? '';
  const stateNamespace = opts.config.spec?.stateNamespace ?? 'plumbing-system';
  const rendered = renderCluster(opts.root, opts.config);
  const target = targetOf(rendered, opts.config, opts.root);
  return withLease(opts, target, async (lease) => {
    const state = await readInventory(opts.port, name, stateNamespace);
    const history = await listHistory(opts.port, name, stateNamespace);
    const current = state.lastGood;
    const to = opts.to ?? history.find((h) => current === undefined || (h.revision < current.revision && h.hash !== current.hash))?.revision;
    if (to === undefined) throw new PlumbingError('DEPLOY_NO_REVISION', `${name} has no earlier revision to roll back to`, { hint: `plumbing deploy history ${name}` });
    const target0 = history.find((h) => h.revision === to);
    if (!target0) throw new PlumbingError('DEPLOY_NO_REVISION', `revision ${to} of ${name} is not in the history`, { hint: `plumbing deploy history ${name}` });
    const objects = await readHistoryObjects(opts.port, name, stateNamespace, to);
    const obs = await observe(opts.port, target, objects);
    const r = await applySet(engineContext(opts, lease), target, obs, { hash: target0.hash, commit: target0.commit, gates: true });
    const record: DeployRecord = { revision: obs.state.lastRevision + 1, hash: target0.hash, commit: target0.commit, time: new Date((opts.now ?? Date.now)()).toISOString(), rollbackOf: to, objects: objects.length };
    await storeHistory(opts.port, name, stateNamespace, record, objects, opts.config.spec?.historyLimit ?? 10);
    const bad = current && current.hash !== target0.hash ? [{ hash: current.hash, commit: current.commit, time: record.time, reason: `rolled back by hand to revision ${to}` }] : [];
    await writeInventory(opts.port, name, stateNamespace, target.applysetId, { ...obs.state, kinds: keptKinds(obs.desired, r.plan), lastGood: record, lastRevision: record.revision, bad: [...obs.state.bad.filter((b) => b.hash !== target0.hash), ...bad].slice(-20), inFlight: undefined }, namespacesOf(obs.desired));
    const c = r.plan.counts;
    return {
      outcome: 'deployed',
      cluster: name,
      hash: target0.hash,
      commit: target0.commit,
      plan: r.plan,
      revision: record.revision,
      message: `${name}: rolled back to revision ${to} as revision ${record.revision} (${c.create} recreated, ${c.update} restored, ${c.prune} deleted)${bad.length ? `; ${current!.hash.slice(0, 12)} is quarantined until a newer commit or different content arrives` : ''}`,
      calls: opts.port.calls(),
    };
  });
}

/** Keys of a set of objects (for tests and messages). */
export function keysOf(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => objectKey(refOf(o))).sort();
}
