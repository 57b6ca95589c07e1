import { CLUSTER_SCOPED_KINDS } from '../types/kinds.js';
import { asArray, asString, isMap, type JsonMap } from '../yaml/values.js';
import type { Origin, Provenance } from './provenance.js';

/** One object of a kustomization's output while it is built. */
export interface Item {
  value: JsonMap;
  /** The resource document it was copied from. */
  root: Origin;
  /** Every name it had (kustomize matches patches by current or original name). */
  names: Set<string>;
  /** The files that made it: resource, kustomizations, patches. */
  files: Set<string>;
}

/** The kustomization being applied: its value and where each of its fields is written. */
export interface KustomizationRef {
  value: JsonMap;
  origin: Origin;
  file: string;
}

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);
const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

const at = (o: Origin, ...segs: (string | number)[]): Origin => ({ doc: o.doc, path: [...o.path, ...segs] });

function mapAt(parent: JsonMap, ...keys: string[]): JsonMap {
  let cur = parent;
  for (const k of keys) {
    const next = cur[k];
    if (isMap(next)) cur = next;
    else {
      const m: JsonMap = {};
      cur[k] = m;
      cur = m;
    }
  }
  return cur;
}

function setEach(target: JsonMap, pairs: JsonMap, origin: Origin, prov: Provenance): void {
  for (const [k, v] of Object.entries(pairs)) {
    target[k] = v;
    prov.setKey(target, k, at(origin, k));
  }
}

/** Labels (or annotations) into metadata, and as kustomize does into workloads' selectors and pod templates. */
function addMeta(field: 'labels' | 'annotations', item: Item, pairs: JsonMap, origin: Origin, prov: Provenance, selectors: boolean, templates: boolean): void {
  const v = item.value;
  setEach(mapAt(v, 'metadata', field), pairs, origin, prov);
  const kind = asString(v.kind) ?? '';
  if (selectors && WORKLOADS.has(kind)) setEach(mapAt(v, 'spec', 'selector', 'matchLabels'), pairs, origin, prov);
  if (selectors && kind === 'Service') setEach(mapAt(v, 'spec', 'selector'), pairs, origin, prov);
  if ((selectors || templates) && (WORKLOADS.has(kind) || kind === 'Job')) setEach(mapAt(v, 'spec', 'template', 'metadata', field), pairs, origin, prov);
  if ((selectors || templates) && kind === 'CronJob') {
    setEach(mapAt(v, 'spec', 'jobTemplate', 'metadata', field), pairs, origin, prov);
    setEach(mapAt(v, 'spec', 'jobTemplate', 'spec', 'template', 'metadata', field), pairs, origin, prov);
  }
}

/** `newName`, `newTag`, `digest` of an `images` entry on every container and init container image. */
function setImages(node: unknown, images: JsonMap[], origin: Origin, prov: Provenance): void {
  if (Array.isArray(node)) for (const n of node) setImages(n, images, origin, prov);
  if (!isMap(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
      for (const c of v) if (isMap(c) && typeof c.image === 'string') retag(c, images, origin, prov);
    }
    setImages(v, images, origin, prov);
  }
}

function retag(c: JsonMap, images: JsonMap[], origin: Origin, prov: Provenance): void {
  const image = c.image as string;
  const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(image);
  const name = m?.[1] ?? image;
  const i = images.findIndex((e) => e.name === name);
  const e = images[i];
  if (!e) return;
  const newName = asString(e.newName) ?? name;
  const digest = asString(e.digest);
  const tag = digest ? undefined : (asString(e.newTag) ?? (typeof e.newTag === 'number' ? String(e.newTag) : m?.[2]));
  const keep = !digest && e.newTag === undefined && m?.[3] ? `@${m[3]}` : '';
  c.image = digest ? `${newName}@${digest}` : `${newName}${tag ? `:${tag}` : ''}${keep}`;
  prov.setKey(c, 'image', at(origin, i));
}

/**
 * kustomize moves the ServiceAccount subjects of (Cluster)RoleBindings along with the
 * ServiceAccounts of the same kustomization: a subject naming one of them, with no namespace or
 * the namespace that account had, gets the new namespace.
 */
function moveSubjects(items: Item[], ns: string, origin: Origin, prov: Provenance): void {
  const accounts = new Map<string, Set<string>>();
  for (const it of items) {
    if (it.value.kind !== 'ServiceAccount') continue;
    const meta = isMap(it.value.metadata) ? it.value.metadata : {};
    for (const n of it.names) accounts.set(n, new Set([...(accounts.get(n) ?? []), asString(meta.namespace) ?? '']));
  }
  for (const it of items) {
    if (it.value.kind !== 'RoleBinding' && it.value.kind !== 'ClusterRoleBinding') continue;
    for (const s of asArray(it.value.subjects)) {
      if (!isMap(s) || s.kind !== 'ServiceAccount') continue;
      const had = accounts.get(asString(s.name) ?? '');
      if (!had || (s.namespace !== undefined && !had.has(asString(s.namespace) ?? ''))) continue;
      s.namespace = ns;
      prov.setKey(s, 'namespace', origin);
    }
  }
}

/** namespace, namePrefix/nameSuffix, labels and annotations, images and replicas, in kustomize's order. */
export function transform(items: Item[], k: KustomizationRef, prov: Provenance): void {
  const v = k.value;
  const ns = asString(v.namespace);
  if (ns) moveSubjects(items, ns, at(k.origin, 'namespace'), prov);
  const prefix = asString(v.namePrefix) ?? '';
  const suffix = asString(v.nameSuffix) ?? '';
  for (const item of items) {
    const meta = mapAt(item.value, 'metadata');
    const kind = asString(item.value.kind) ?? '';
    if (ns && !CLUSTER_SCOPED_KINDS.has(kind)) {
      meta.namespace = ns;
      prov.setKey(meta, 'namespace', at(k.origin, 'namespace'));
    }
    if ((prefix || suffix) && typeof meta.name === 'string' && kind !== 'Namespace' && kind !== 'CustomResourceDefinition') {
      const name = `${prefix}${meta.name}${suffix}`;
      meta.name = name;
      item.names.add(name);
    }
    if (isMap(v.commonLabels)) addMeta('labels', item, v.commonLabels, at(k.origin, 'commonLabels'), prov, true, true);
    for (const [l, i] of asArray(v.labels).map((l, i) => [l, i] as const)) {
      if (isMap(l) && isMap(l.pairs)) addMeta('labels', item, l.pairs, at(k.origin, 'labels', i, 'pairs'), prov, l.includeSelectors === true, l.includeTemplates === true);
    }
    if (isMap(v.commonAnnotations)) addMeta('annotations', item, v.commonAnnotations, at(k.origin, 'commonAnnotations'), prov, false, true);
    const images = asArray(v.images).filter(isMap);
    if (images.length > 0) setImages(item.value, images, at(k.origin, 'images'), prov);
    for (const [r, i] of asArray(v.replicas).map((r, i) => [r, i] as const)) {
      if (isMap(r) && SCALABLE.has(kind) && item.names.has(asString(r.name) ?? '') && isMap(item.value.spec) && typeof r.count === 'number') {
        item.value.spec.replicas = r.count;
        prov.setKey(item.value.spec, 'replicas', at(k.origin, 'replicas', i, 'count'));
      }
    }
  }
}
