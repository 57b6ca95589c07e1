import type { KubeObject, KubePort } from '@plumbing/kube';
import { groupKind, objectKey, refOf } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { holdsAll, toComparableYaml, unifiedDiff } from './diff.js';
import { canonicalJson } from './render.js';
import { PART_OF_LABEL, PRUNE_ANNOTATION } from './inventory-labels.js';
import { conflictHint } from './engine-context.js';
import { pool } from './pool.js';
import { stageOf } from './stages.js';
import { type InventoryState, type KindRef, kindsOf, uniqKinds } from './state.js';

export type Action = 'create' | 'update' | 'unchanged' | 'prune' | 'keep';

export interface PlanItem {
  action: Action;
  key: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  stage: number;
  /** For `update`: what changes, live → desired, as a unified diff of the normalized YAML. */
  diff?: string | undefined;
  /** Why: `adopt` (exists, not ours yet), `crd-pending` (its CRD comes in this deploy), or why a prune is skipped. */
  note?: string | undefined;
}

export interface Plan {
  cluster: string;
  hash: string;
  commit?: string | undefined;
  items: PlanItem[];
  counts: Record<Action, number>;
}

export interface PrunePolicyResolved {
  enabled: boolean;
  allowNamespaces: boolean;
  allowCRDs: boolean;
  allowPVCs: boolean;
}

/** Live members of the inventory, by object key (one LIST per kind, by the part-of label). */
export type LiveSet = Map<string, KubeObject>;

/** Sets the namespace as discovery says: dropped for cluster-scoped kinds, `default` for namespaced ones without. */
export async function scopeObjects(port: KubePort, objects: readonly KubeObject[], crdKinds: ReadonlySet<string>): Promise<KubeObject[]> {
  return Promise.all(
    objects.map(async (o) => {
      let namespaced: boolean;
      try {
        namespaced = (await port.resolve(o.apiVersion, o.kind)).namespaced;
      } catch (e) {
        if (e instanceof PlumbingError && e.code === 'KUBE_UNKNOWN_KIND' && crdKinds.has(groupKind(o.apiVersion, o.kind))) return o;
        throw e;
      }
      if (!namespaced && o.metadata.namespace !== undefined) {
        const { namespace: _ns, ...meta } = o.metadata;
        return { ...o, metadata: meta };
      }
      if (namespaced && o.metadata.namespace === undefined) return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
      return o;
    }),
  );
}

/** Group-kinds the CRDs of a set define (`Kind.group`). */
export function crdKindsOf(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) out.add(`${spec.names.kind}.${spec.group}`);
  }
  return out;
}

/** Lists the members of every kind, concurrently: discovery plus one LIST per kind. */
export async function listMembers(port: KubePort, applysetId: string, kinds: readonly KindRef[], crdKinds: ReadonlySet<string>, concurrency = 8): Promise<LiveSet> {
  const live: LiveSet = new Map();
  await pool(uniqKinds(kinds), concurrency, async (k) => {
    let items: KubeObject[];
    try {
      items = await port.list(k.apiVersion, k.kind, { labelSelector: `${PART_OF_LABEL}=${applysetId}` });
    } catch (e) {
      if (e instanceof PlumbingError && e.code === 'KUBE_UNKNOWN_KIND' && crdKinds.has(groupKind(k.apiVersion, k.kind))) return;
      throw e;
    }
    for (const o of items) live.set(objectKey(refOf(o)), o);
  });
  return live;
}

/**
 * The no-op check: the desired set is the one last deployed successfully and every member is
 * still as deployed, and there is no member that should not be there. Uses only the LISTs.
 */
export function upToDate(desired: readonly KubeObject[], hash: string, state: InventoryState, live: LiveSet, policy?: PrunePolicyResolved): { upToDate: boolean; reason: string } {
  if (!state.lastGood) return { upToDate: false, reason: 'nothing deployed yet' };
  if (state.inFlight) return { upToDate: false, reason: 'the last deploy did not finish' };
  if (state.lastGood.hash !== hash) return { upToDate: false, reason: `the desired set (${hash.slice(0, 12)}) differs from the last deployed (${state.lastGood.hash.slice(0, 12)})` };
  const want = new Set(desired.map((o) => objectKey(refOf(o))));
  for (const [key, obj] of live) {
    // a member a prune guard keeps (a Namespace, an opted-out object) is not a pending change
    if (!want.has(key) && (!policy || !pruneGuard(obj, policy))) return { upToDate: false, reason: `${key} is still there and should be pruned` };
  }
  for (const o of desired) {
    const l = live.get(objectKey(refOf(o)));
    if (!l) return { upToDate: false, reason: `${objectKey(refOf(o))} is missing` };
    if (l.metadata.deletionTimestamp) return { upToDate: false, reason: `${objectKey(refOf(o))} is being deleted` };
    const { metadata, ...rest } = o;
    if (!holdsAll({ ...rest, metadata: { ...metadata } }, l)) return { upToDate: false, reason: `${objectKey(refOf(o))} drifted` };
  }
  return { upToDate: true, reason: 'no changes' };
}

/** Why a member must not be pruned, or undefined when it may be. */
export function pruneGuard(obj: KubeObject, policy: PrunePolicyResolved): string | undefined {
  if (!policy.enabled) return 'prune is disabled in the cluster config';
  if (obj.metadata.annotations?.[PRUNE_ANNOTATION] === 'disabled') return `annotation ${PRUNE_ANNOTATION}: disabled`;
  if (obj.kind === 'Namespace' && !policy.allowNamespaces) return 'a Namespace (set prune.allowNamespaces to prune)';
  if (obj.kind === 'CustomResourceDefinition' && !policy.allowCRDs) return 'a CRD (set prune.allowCRDs to prune)';
  if (obj.kind === 'PersistentVolumeClaim' && !policy.allowPVCs) return 'a PVC (set prune.allowPVCs to prune)';
  return undefined;
}

function item(action: Action, obj: KubeObject, extra: Partial<PlanItem> = {}): PlanItem {
  const ref = refOf(obj);
  const it: PlanItem = { action, key: objectKey(ref), apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, stage: stageOf(ref.kind), ...extra };
  if (ref.namespace !== undefined) it.namespace = ref.namespace;
  return it;
}

/**
 * The plan: each desired object server-side dry-run applied (concurrently) and compared with the
 * live object; each member no longer desired pruned unless guarded. Any API error fails the plan.
 */
export async function computePlan(
  port: KubePort,
  args: {
    cluster: string;
    hash: string;
    commit?: string | undefined;
    desired: readonly KubeObject[];
    live: LiveSet;
    policy: PrunePolicyResolved;
    crdKinds: ReadonlySet<string>;
    concurrency?: number;
    /** The manifests of the last successful deploy, by key: an object equal to its last manifest whose live state still holds every field needs no dry run. */
    lastApplied?: ReadonlyMap<string, KubeObject> | undefined;
    /** `deploy`: objects absent from the inventory are planned as creates without a dry run (the apply tells a create from an adoption). */
    mode?: 'plan' | 'deploy';
    /** Take over fields other managers own in objects outside the inventory (default false: a conflict fails the plan). */
    forceAdopt?: boolean;
  },
): Promise<Plan> {
  const items: PlanItem[] = new Array(args.desired.length);
  const newNamespaces = new Set(args.desired.filter((o) => o.kind === 'Namespace' && !args.live.has(objectKey(refOf(o)))).map((o) => o.metadata.name));
  await pool(
    args.desired.map((o, i) => ({ o, i })),
    args.concurrency ?? 16,
    async ({ o, i }) => {
      const key = objectKey(refOf(o));
      let live = args.live.get(key);
      const last = args.lastApplied?.get(key);
      if (live && last && !live.metadata.deletionTimestamp && canonicalJson(last) === canonicalJson(o) && holdsAll(o, live)) {
        items[i] = item('unchanged', o);
        return;
      }
      if (!live && args.mode === 'deploy') {
        items[i] = item('create', o);
        return;
      }
      let after: KubeObject;
      try {
        after = (await port.apply(o, { dryRun: true, force: live !== undefined || args.forceAdopt === true })).object;
      } catch (e) {
        if (e instanceof PlumbingError && e.code === 'KUBE_CONFLICT') throw conflictHint(e, key);
        if (e instanceof PlumbingError && (e.code === 'KUBE_UNKNOWN_KIND' || e.code === 'KUBE_NOT_FOUND') && args.crdKinds.has(groupKind(o.apiVersion, o.kind))) {
          items[i] = item('create', o, { note: 'its CRD is created by this deploy' });
          return;
        }
        // A namespace this deploy creates: nothing can exist in it yet, and the server cannot dry-run into it.
        if (e instanceof PlumbingError && e.code === 'KUBE_NOT_FOUND' && o.metadata.namespace && newNamespaces.has(o.metadata.namespace) && e.message.includes(`namespaces "${o.metadata.namespace}" not found`)) {
          items[i] = item('create', o, { note: 'its namespace is created by this deploy' });
          return;
        }
        throw e;
      }
      let adopt = false;
      if (!live) {
        live = await port.get(refOf(o));
        adopt = live !== undefined;
      }
      if (!live) {
        items[i] = item('create', o);
        return;
      }
      const d = unifiedDiff(toComparableYaml(live), toComparableYaml(after), `live ${key}`, `desired ${key}`);
      items[i] = d ? item('update', o, { diff: d, ...(adopt ? { note: 'adopt' } : {}) }) : item('unchanged', o);
    },
  );
  const want = new Set(args.desired.map((o) => objectKey(refOf(o))));
  const prunes: PlanItem[] = [];
  for (const [key, obj] of args.live) {
    if (want.has(key)) continue;
    const guard = pruneGuard(obj, args.policy);
    prunes.push(item(guard ? 'keep' : 'prune', obj, guard ? { note: guard } : {}));
  }
  prunes.sort((a, b) => b.stage - a.stage || (a.key < b.key ? -1 : 1));
  const all = [...items, ...prunes];
  const counts: Record<Action, number> = { create: 0, update: 0, unchanged: 0, prune: 0, keep: 0 };
  for (const it of all) counts[it.action]++;
  return { cluster: args.cluster, hash: args.hash, commit: args.commit, items: all, counts };
}

export function hasChanges(plan: Plan): boolean {
  return plan.counts.create + plan.counts.update + plan.counts.prune > 0;
}

/** The plan as text: one line per object that changes, diffs indented, then a summary line. */
export function formatPlan(plan: Plan, opts: { unchanged?: boolean } = {}): string {
  const sign: Record<Action, string> = { create: '+', update: '~', unchanged: '=', prune: '-', keep: '!' };
  const lines: string[] = [];
  for (const it of plan.items) {
    if (it.action === 'unchanged' && !opts.unchanged) continue;
    const where = it.namespace ? `${it.namespace}/${it.name}` : it.name;
    lines.push(`${sign[it.action]} ${it.action.padEnd(9)} ${groupKind(it.apiVersion, it.kind)} ${where}${it.note ? `  (${it.note})` : ''}`);
    if (it.diff) for (const l of it.diff.trimEnd().split('\n')) lines.push(`      ${l}`);
  }
  const c = plan.counts;
  lines.push(`plan for ${plan.cluster} at ${plan.hash.slice(0, 12)}${plan.commit ? ` (commit ${plan.commit.slice(0, 12)})` : ''}: ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c.prune} to prune${c.keep ? `, ${c.keep} kept (prune guard)` : ''}`);
  return `${lines.join('\n')}\n`;
}

export { kindsOf };
