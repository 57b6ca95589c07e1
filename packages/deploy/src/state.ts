import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeObject, KubePort } from '@plumbing/kube';
import { groupKind } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { ADDITIONAL_NAMESPACES_ANNOTATION, GROUP_KINDS_ANNOTATION, ID_LABEL, parentName, TOOLING, TOOLING_ANNOTATION } from './inventory-labels.js';
import { fromYamlStream } from './render.js';

/** A kind that the inventory holds members of. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

export interface DeployRecord {
  revision: number;
  /** Content hash of the rendered set. */
  hash: string;
  commit?: string | undefined;
  /** ISO time the deploy finished. */
  time: string;
  /** Set when this revision re-applied an older one. */
  rollbackOf?: number | undefined;
  objects: number;
}

/** A revision whose deploy failed a gate and was rolled back: not deployed again until newer content or a newer commit. */
export interface BadRevision {
  hash: string;
  commit?: string | undefined;
  time: string;
  reason: string;
}

/** What the inventory parent holds. */
export interface InventoryState {
  exists: boolean;
  /** Kinds that may have members (a superset while a deploy runs: recorded before applying). */
  kinds: KindRef[];
  lastGood?: DeployRecord | undefined;
  lastRevision: number;
  bad: BadRevision[];
  /** Content hash of a deploy that started applying and has not finished (set before applying; a crash leaves it set). */
  inFlight?: string | undefined;
}

const STATE_KEY = 'state.json';
/** The rendered set, gzipped JSON. Snapshots written before it held a YAML stream under MANIFESTS_YAML_KEY. */
const MANIFESTS_KEY = 'manifests.json.gz';
const MANIFESTS_YAML_KEY = 'manifests.yaml.gz';
export const HISTORY_LABEL = 'plumbing.dev/history';
export const REVISION_LABEL = 'plumbing.dev/revision';

export function emptyInventory(): InventoryState {
  return { exists: false, kinds: [], lastRevision: 0, bad: [] };
}

function b64(s: string | Buffer): string {
  return Buffer.from(s).toString('base64');
}

/** Reads the inventory parent (one GET). Refuses a parent that another tool owns. */
export async function readInventory(port: KubePort, cluster: string, stateNamespace: string): Promise<InventoryState> {
  const parent = await port.get({ apiVersion: 'v1', kind: 'Secret', name: parentName(cluster), namespace: stateNamespace });
  if (!parent) return emptyInventory();
  return decodeInventory(parent);
}

export function decodeInventory(parent: KubeObject): InventoryState {
  const tooling = parent.metadata.annotations?.[TOOLING_ANNOTATION];
  if (tooling && !tooling.startsWith('plumbing/')) {
    throw new PlumbingError('DEPLOY_FOREIGN_INVENTORY', `the inventory ${parent.metadata.namespace}/${parent.metadata.name} belongs to ${tooling}, not plumbing`, { hint: 'refusing to apply or prune a set owned by another tool' });
  }
  const data = (parent.data ?? {}) as Record<string, string>;
  const raw = data[STATE_KEY];
  if (!raw) return { ...emptyInventory(), exists: true };
  try {
    const s = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Omit<InventoryState, 'exists'>;
    return { exists: true, kinds: s.kinds ?? [], lastGood: s.lastGood, lastRevision: s.lastRevision ?? 0, bad: s.bad ?? [], inFlight: s.inFlight };
  } catch (e) {
    throw new PlumbingError('DEPLOY_BAD_INVENTORY', `the inventory ${parent.metadata.namespace}/${parent.metadata.name} cannot be read`, { cause: e });
  }
}

/** The parent Secret in ApplySet format: id label, tooling, group-kinds and additional namespaces. */
export function encodeInventory(cluster: string, stateNamespace: string, id: string, state: InventoryState, namespaces: readonly string[]): KubeObject {
  const kinds = uniqKinds(state.kinds);
  const { exists: _exists, ...rest } = { ...state, kinds };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: parentName(cluster),
      namespace: stateNamespace,
      labels: { [ID_LABEL]: id, 'app.kubernetes.io/managed-by': 'plumbing' },
      annotations: {
        [TOOLING_ANNOTATION]: TOOLING,
        [GROUP_KINDS_ANNOTATION]: [...new Set(kinds.map((k) => groupKind(k.apiVersion, k.kind)))].sort().join(','),
        [ADDITIONAL_NAMESPACES_ANNOTATION]: [...new Set(namespaces)].filter((n) => n !== stateNamespace).sort().join(','),
      },
    },
    type: 'plumbing.dev/applyset',
    data: { [STATE_KEY]: b64(JSON.stringify(rest)) },
  };
}

export function uniqKinds(kinds: readonly KindRef[]): KindRef[] {
  const m = new Map<string, KindRef>();
  for (const k of kinds) m.set(groupKind(k.apiVersion, k.kind), { apiVersion: k.apiVersion, kind: k.kind });
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

export function kindsOf(objects: readonly KubeObject[]): KindRef[] {
  return uniqKinds(objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind })));
}

export async function writeInventory(port: KubePort, cluster: string, stateNamespace: string, id: string, state: InventoryState, namespaces: readonly string[]): Promise<void> {
  await port.apply(encodeInventory(cluster, stateNamespace, id, state, namespaces));
}

export function historyName(cluster: string, revision: number): string {
  return `plumbing-history-${cluster}-r${revision}`;
}

/** One successful deploy as a Secret: the rendered set, gzipped, and its record in annotations. */
export function encodeHistory(cluster: string, stateNamespace: string, record: DeployRecord, objects: readonly KubeObject[]): KubeObject {
  const annotations: Record<string, string> = {
    'plumbing.dev/hash': record.hash,
    'plumbing.dev/time': record.time,
    'plumbing.dev/objects': String(record.objects),
  };
  if (record.commit) annotations['plumbing.dev/commit'] = record.commit;
  if (record.rollbackOf !== undefined) annotations['plumbing.dev/rollback-of'] = String(record.rollbackOf);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: historyName(cluster, record.revision),
      namespace: stateNamespace,
      labels: { [HISTORY_LABEL]: cluster, [REVISION_LABEL]: String(record.revision), 'app.kubernetes.io/managed-by': 'plumbing' },
      annotations,
    },
    type: 'plumbing.dev/deploy-history',
    // JSON, not YAML: the same content, an order of magnitude faster to write on every deploy.
    data: { [MANIFESTS_KEY]: b64(gzipSync(JSON.stringify(objects))) },
  };
}

export function decodeHistoryRecord(secret: KubeObject): DeployRecord {
  const a = secret.metadata.annotations ?? {};
  const rev = Number(secret.metadata.labels?.[REVISION_LABEL]);
  const rec: DeployRecord = { revision: rev, hash: a['plumbing.dev/hash'] ?? '', time: a['plumbing.dev/time'] ?? '', objects: Number(a['plumbing.dev/objects'] ?? 0) };
  if (a['plumbing.dev/commit']) rec.commit = a['plumbing.dev/commit'];
  if (a['plumbing.dev/rollback-of']) rec.rollbackOf = Number(a['plumbing.dev/rollback-of']);
  return rec;
}

export function decodeHistoryObjects(secret: KubeObject): KubeObject[] {
  const data = (secret.data ?? {}) as Record<string, string>;
  const raw = data[MANIFESTS_KEY] ?? data[MANIFESTS_YAML_KEY];
  if (!raw) throw new PlumbingError('DEPLOY_BAD_HISTORY', `history ${secret.metadata.name} holds no manifests`);
  const text = gunzipSync(Buffer.from(raw, 'base64')).toString('utf8');
  return data[MANIFESTS_KEY] ? (JSON.parse(text) as KubeObject[]) : fromYamlStream(text);
}

/** A history Secret must fit in etcd's 1 MiB object limit. */
export function checkHistorySize(secret: KubeObject): void {
  const size = Buffer.byteLength(JSON.stringify(secret.data));
  if (size > 900_000) throw new PlumbingError('DEPLOY_HISTORY_TOO_BIG', `the rendered set is ${size} bytes gzipped and base64-encoded; a history Secret holds at most 1 MiB`, { hint: 'split the cluster into smaller sets' });
}

/** Stores a revision, then deletes the oldest beyond `limit` (never the one just stored). */
export async function storeHistory(port: KubePort, cluster: string, stateNamespace: string, record: DeployRecord, objects: readonly KubeObject[], limit: number): Promise<void> {
  const secret = encodeHistory(cluster, stateNamespace, record, objects);
  checkHistorySize(secret);
  await port.apply(secret);
  const all = await listHistory(port, cluster, stateNamespace);
  const old = all.slice(Math.max(1, limit));
  for (const r of old) await port.delete({ apiVersion: 'v1', kind: 'Secret', name: historyName(cluster, r.revision), namespace: stateNamespace });
}

/** Every stored revision, newest first. */
export async function listHistory(port: KubePort, cluster: string, stateNamespace: string): Promise<DeployRecord[]> {
  const secrets = await port.list('v1', 'Secret', { namespace: stateNamespace, labelSelector: `${HISTORY_LABEL}=${cluster}` });
  return secrets.map(decodeHistoryRecord).sort((a, b) => b.revision - a.revision);
}

export async function readHistoryObjects(port: KubePort, cluster: string, stateNamespace: string, revision: number): Promise<KubeObject[]> {
  const s = await port.get({ apiVersion: 'v1', kind: 'Secret', name: historyName(cluster, revision), namespace: stateNamespace });
  if (!s) throw new PlumbingError('DEPLOY_NO_REVISION', `revision ${revision} of ${cluster} is not in the history`, { hint: `plumbing deploy history ${cluster}` });
  return decodeHistoryObjects(s);
}

/** Whether a revision is quarantined: the same content failed before, and no newer commit supersedes it. */
export function quarantined(state: InventoryState, hash: string, commit: string | undefined): BadRevision | undefined {
  return state.bad.find((b) => b.hash === hash && (commit === undefined || b.commit === undefined || b.commit === commit));
}
