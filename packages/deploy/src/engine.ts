import type { KubeObject, KubePort } from '@plumbing/kube';
import { objectKey, refOf } from '@plumbing/kube';
import type { ClusterConfig } from '@plumbing/model';
import { applyStages, prune } from './apply.js';
import type { ApplyProgress, EngineContext } from './engine-context.js';
import { runGates } from './gates/registry.js';
import { computePlan, crdKindsOf, hasChanges, type LiveSet, listMembers, type Plan, type PrunePolicyResolved, scopeObjects } from './plan.js';
import type { RenderedSet } from './render.js';
import { type InventoryState, type KindRef, kindsOf, readHistoryObjects, readInventory, uniqKinds, writeInventory } from './state.js';

/** Everything one cluster's deploy needs to know about where it goes. */
export interface Target {
  cluster: string;
  stateNamespace: string;
  applysetId: string;
  config: ClusterConfig;
  root: string;
}

export function targetOf(rendered: RenderedSet, config: ClusterConfig, root: string): Target {
  return { cluster: rendered.cluster, stateNamespace: rendered.stateNamespace, applysetId: rendered.applysetId, config, root };
}

export function prunePolicy(config: ClusterConfig): PrunePolicyResolved {
  const p = config.spec?.prune ?? {};
  return { enabled: p.enabled ?? true, allowNamespaces: p.allowNamespaces ?? false, allowCRDs: p.allowCRDs ?? false, allowPVCs: p.allowPVCs ?? false };
}

/** The desired set with scopes from discovery, the inventory and its live members. */
export interface Observed {
  desired: KubeObject[];
  state: InventoryState;
  live: LiveSet;
  crdKinds: Set<string>;
}

/** Reads what the cluster holds: the inventory parent (1 GET), discovery and one LIST per kind. */
export async function observe(port: KubePort, target: Target, objects: readonly KubeObject[], extraKinds: readonly KindRef[] = []): Promise<Observed> {
  const crdKinds = crdKindsOf(objects);
  const [state, desired] = await Promise.all([readInventory(port, target.cluster, target.stateNamespace), scopeObjects(port, objects, crdKinds)]);
  const live = await listMembers(port, target.applysetId, [...kindsOf(desired), ...state.kinds, ...extraKinds], crdKinds);
  return { desired, state, live, crdKinds };
}

export function namespacesOf(objects: Iterable<KubeObject>): string[] {
  const out = new Set<string>();
  for (const o of objects) if (o.metadata.namespace) out.add(o.metadata.namespace);
  return [...out];
}

/** Makes sure the state namespace exists (the inventory, history and lease live there) before anything else. */
export async function ensureStateNamespace(port: KubePort, namespace: string): Promise<void> {
  const ns = await port.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  if (!ns) await port.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

export interface ApplySetResult {
  plan: Plan;
  progress: ApplyProgress;
  /** True when `skipWhenUnchanged` found nothing to do: nothing was written. */
  skipped?: boolean;
}

/**
 * The staged engine, shared by deploy, automatic rollback and `deploy rollback`: plan against
 * the live members, record the group-kinds in the inventory BEFORE applying (so a crash never
 * leaves unlisted members), apply stage by stage, health checks and post-deploy tests (gates),
 * prune last. Throws a GateError (with what was done) when a gate fails.
 */
export async function applySet(
  ctx: EngineContext,
  target: Target,
  obs: Observed,
  args: { hash: string; commit?: string | undefined; gates: boolean; onPlan?: (plan: Plan) => void; lastApplied?: ReadonlyMap<string, KubeObject> | undefined; skipWhenUnchanged?: boolean },
): Promise<ApplySetResult> {
  const plan = await computePlan(ctx.port, {
    mode: 'deploy',
    forceAdopt: ctx.forceAdopt === true,
    lastApplied: obs.state.inFlight ? undefined : args.lastApplied,
    cluster: target.cluster,
    hash: args.hash,
    commit: args.commit,
    desired: obs.desired,
    live: obs.live,
    policy: prunePolicy(target.config),
    crdKinds: obs.crdKinds,
    ...(ctx.concurrency === undefined ? {} : { concurrency: ctx.concurrency }),
  });
  args.onPlan?.(plan);
  if (args.skipWhenUnchanged && !hasChanges(plan)) return { plan, progress: { created: [], updated: [], pruned: [] }, skipped: true };
  const kinds = uniqKinds([...obs.state.kinds, ...kindsOf(obs.desired), ...kindsOf([...obs.live.values()])]);
  await writeInventory(ctx.port, target.cluster, target.stateNamespace, target.applysetId, { ...obs.state, kinds, inFlight: args.hash }, namespacesOf([...obs.desired, ...obs.live.values()]));
  obs.state = { ...obs.state, exists: true, kinds };
  const progress: ApplyProgress = { created: [], updated: [], pruned: [] };
  const byKey = new Map(obs.desired.map((o) => [objectKey(refOf(o)), o]));
  await applyStages(ctx, plan, byKey, progress);
  const spec = target.config.spec;
  const defaultNs = spec?.sources.find((s) => s.namespace)?.namespace;
  if (args.gates) {
    await runGates('after-apply', { root: target.root, config: target.config, log: ctx.log, files: [], applied: { ctx, plan, desired: byKey, objects: obs.desired, progress, defaultNamespace: defaultNs } });
  }
  await prune(ctx, plan, obs.live, progress);
  return { plan, progress };
}

/** The last successful deploy's manifests by key, scoped as the desired set is (one GET of its history Secret). */
export async function lastAppliedOf(port: KubePort, target: Target, state: InventoryState): Promise<Map<string, KubeObject> | undefined> {
  if (!state.lastGood || state.inFlight) return undefined;
  const objects = await readHistoryObjects(port, target.cluster, target.stateNamespace, state.lastGood.revision);
  const scoped = await scopeObjects(port, objects, crdKindsOf(objects));
  return new Map(scoped.map((o) => [objectKey(refOf(o)), o]));
}

/** The kinds an inventory keeps after a deploy: the set's, plus those of members a prune guard kept. */
export function keptKinds(desired: readonly KubeObject[], plan: Plan): KindRef[] {
  return uniqKinds([...kindsOf(desired), ...plan.items.filter((i) => i.action === 'keep').map((i) => ({ apiVersion: i.apiVersion, kind: i.kind }))]);
}
