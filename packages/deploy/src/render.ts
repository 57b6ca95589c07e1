import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterConfig, type ClusterSource, catalogVersionDir, checkIndex, compareCatalogVersions, formatFindingText, listYamlFiles, loadYaml, PlumbingError, RepoIndex } from '@plumbing/model';
import type { KubeObject } from '@plumbing/kube';
import { groupKind, objectKey } from '@plumbing/kube';
import { parseAllDocuments, stringify } from 'yaml';
import { applysetId, PART_OF_LABEL } from './inventory-labels.js';
import { stageOf } from './stages.js';

/** Kinds that are never deployed: runs are created by triggers and tests, not kept as desired state. */
export const NEVER_DEPLOYED_KINDS: ReadonlySet<string> = new Set(['TaskRun', 'PipelineRun', 'CustomRun', 'Run']);

/** API groups that describe tooling, not cluster objects. */
const TOOLING_GROUPS = ['plumbing.dev/', 'kustomize.config.k8s.io/', 'config.kubernetes.io/'];

/** Kinds known to be cluster-scoped offline (the API server's discovery has the final word at deploy time). */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterTask',
  'ClusterTriggerBinding',
  'ClusterInterceptor',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'RuntimeClass',
]);

export interface RenderedSet {
  cluster: string;
  stateNamespace: string;
  /** The ApplySet id of this cluster's inventory (the value of the part-of label). */
  applysetId: string;
  /** Sorted: stage, group-kind, namespace, name. */
  objects: KubeObject[];
  /** Which repository file each object came from, by object key. */
  files: Record<string, string>;
  /** Content hash of the objects (sha256 of their canonical JSON). */
  hash: string;
}

/** Reads and validates clusters/<name>/cluster.yaml (the same rules as `plumbing check`). */
export function loadClusterConfig(root: string, name: string): ClusterConfig {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new PlumbingError('USAGE', `bad cluster name "${name}"`, { exitCode: 2 });
  const file = `clusters/${name}/cluster.yaml`;
  const abs = join(root, file);
  if (!existsSync(abs)) throw new PlumbingError('DEPLOY_NO_CLUSTER', `no ${file} in ${root}`, { exitCode: 2, hint: 'plumbing deploy takes a directory name under clusters/' });
  const src = loadYaml(file, readFileSync(abs, 'utf8'));
  const errors = checkIndex(new RepoIndex([src])).filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new PlumbingError('DEPLOY_BAD_CONFIG', `${file} is not valid:\n${errors.map((f) => `  ${formatFindingText(f)}`).join('\n')}`);
  const doc = src.docs.find((d) => (d.value as { kind?: unknown } | null)?.kind === 'Cluster');
  if (!doc) throw new PlumbingError('DEPLOY_BAD_CONFIG', `${file} holds no plumbing.dev/v1alpha1 Cluster`);
  return doc.value as unknown as ClusterConfig;
}

/** The YAML files of one source: no tests/ folders, and only the newest catalog version when `versions: latest`. */
export function sourceFiles(root: string, source: ClusterSource): string[] {
  const path = source.path.replace(/\/+$/, '');
  const abs = join(root, path);
  if (!existsSync(abs)) throw new PlumbingError('DEPLOY_SOURCE_MISSING', `source ${path} does not exist`);
  let files = statSync(abs).isFile() ? [path] : listYamlFiles(root, path, []);
  files = files.filter((f) => !f.slice(path.length).split('/').includes('tests'));
  if ((source.versions ?? 'latest') === 'latest') {
    const newest = new Map<string, string>();
    for (const f of files) {
      const dir = catalogVersionDir(f);
      if (!dir) continue;
      const parent = dir.slice(0, dir.lastIndexOf('/'));
      const cur = newest.get(parent);
      if (!cur || compareCatalogVersions(dir.slice(parent.length + 1), cur.slice(parent.length + 1)) > 0) newest.set(parent, dir);
    }
    files = files.filter((f) => {
      const dir = catalogVersionDir(f);
      return !dir || newest.get(dir.slice(0, dir.lastIndexOf('/'))) === dir;
    });
  }
  return files;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The objects of one file, with the source's defaults and the inventory label applied. */
function objectsOf(root: string, file: string, source: ClusterSource, partOf: string): KubeObject[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new PlumbingError('DEPLOY_BAD_YAML', `${file}: ${doc.errors[0]!.message}`);
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) continue;
    if (!isObject(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string' || !isObject(v.metadata) || typeof v.metadata.name !== 'string') {
      throw new PlumbingError('DEPLOY_BAD_OBJECT', `${file}: a document without apiVersion, kind and metadata.name`, { hint: 'run plumbing check' });
    }
    if (TOOLING_GROUPS.some((g) => (v.apiVersion as string).startsWith(g))) continue;
    if (NEVER_DEPLOYED_KINDS.has(v.kind) || source.excludeKinds?.includes(v.kind)) continue;
    const obj = structuredClone(v) as unknown as KubeObject;
    if (CLUSTER_SCOPED.has(obj.kind)) delete obj.metadata.namespace;
    else if (obj.metadata.namespace === undefined && source.namespace) obj.metadata = { ...obj.metadata, namespace: source.namespace };
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [PART_OF_LABEL]: partOf };
    out.push(obj);
  }
  return out;
}

export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    stageOf(a.kind) - stageOf(b.kind) ||
    cmp(groupKind(a.apiVersion, a.kind), groupKind(b.apiVersion, b.kind)) ||
    cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    cmp(a.metadata.name, b.metadata.name)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with sorted keys: the same objects always give the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashObjects(objects: readonly KubeObject[]): string {
  return createHash('sha256').update(canonicalJson(objects)).digest('hex');
}

/** Renders what a cluster should hold, offline: the exact manifests deploy applies. */
export function renderCluster(root: string, config: ClusterConfig): RenderedSet {
  const cluster = config.metadata.name ?? '';
  const spec = config.spec;
  if (!cluster || !spec) throw new PlumbingError('DEPLOY_BAD_CONFIG', 'a Cluster needs metadata.name and spec');
  const stateNamespace = spec.stateNamespace ?? 'plumbing-system';
  const id = applysetId(cluster, stateNamespace);
  const byKey = new Map<string, KubeObject>();
  const files: Record<string, string> = {};
  for (const source of spec.sources) {
    for (const file of sourceFiles(root, source)) {
      for (const obj of objectsOf(root, file, source, id)) {
        const key = objectKey({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace });
        if (byKey.has(key)) throw new PlumbingError('DEPLOY_DUPLICATE', `${file}: ${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} is also defined in ${files[key]}`);
        byKey.set(key, obj);
        files[key] = file;
      }
    }
  }
  const objects = [...byKey.values()].sort(compareObjects);
  return { cluster, stateNamespace, applysetId: id, objects, files, hash: hashObjects(objects) };
}

/** The rendered set as one multi-document YAML stream (what `plumbing render` prints and history stores). */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

export function fromYamlStream(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const v: unknown = doc.toJS();
    if (v !== null && v !== undefined) out.push(v as KubeObject);
  }
  return out;
}
