// Which objects of a kustomization a patch applies to: by target selector, or by the patch's own id.
import { KUBERNETES_KINDS } from '../types/kinds.js';
import { asString, isMap, type JsonMap } from '../yaml/values.js';
import type { Item } from './transformers.js';

function gvk(v: JsonMap): { group: string; version: string; kind: string } {
  const api = asString(v.apiVersion) ?? '';
  const slash = api.indexOf('/');
  return { group: slash < 0 ? '' : api.slice(0, slash), version: slash < 0 ? api : api.slice(slash + 1), kind: asString(v.kind) ?? '' };
}

function labelsMatch(selector: unknown, labels: unknown): boolean {
  const s = asString(selector);
  if (s === undefined) return true;
  const l = isMap(labels) ? labels : {};
  return s.split(',').every((term) => {
    const [key, value] = term.split('=').map((x) => x.trim());
    return key !== undefined && (value === undefined ? key in l : String(l[key]) === value);
  });
}

/** kustomize's patch target selector: group, version, kind, name and namespace as anchored regular expressions, and label/annotation selectors. */
export function selects(target: JsonMap, item: Item): boolean {
  const g = gvk(item.value);
  const meta = isMap(item.value.metadata) ? item.value.metadata : {};
  const re = (field: unknown, values: string[]) => {
    const s = asString(field);
    if (s === undefined) return true;
    const r = new RegExp(`^(?:${s})$`);
    return values.some((v) => r.test(v));
  };
  return (
    re(target.group, [g.group]) &&
    re(target.version, [g.version]) &&
    re(target.kind, [g.kind]) &&
    re(target.name, [...item.names]) &&
    re(target.namespace, [asString(meta.namespace) ?? '']) &&
    labelsMatch(target.labelSelector, meta.labels) &&
    labelsMatch(target.annotationSelector, meta.annotations)
  );
}

/** The objects a strategic-merge patch without a target applies to: its own kind, name (current or original) and namespace. */
export function byId(patch: JsonMap, item: Item): boolean {
  const meta = isMap(patch.metadata) ? patch.metadata : {};
  const own = isMap(item.value.metadata) ? item.value.metadata : {};
  if (gvk(patch).kind !== gvk(item.value).kind || !item.names.has(asString(meta.name) ?? '')) return false;
  return meta.namespace === undefined || meta.namespace === own.namespace;
}

export function isBuiltIn(v: JsonMap): boolean {
  return KUBERNETES_KINDS[asString(v.apiVersion) ?? '']?.includes(asString(v.kind) ?? '') ?? false;
}
