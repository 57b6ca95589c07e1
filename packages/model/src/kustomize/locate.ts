import type { NodePath } from '../check/finding.js';
import { isMap } from '../yaml/values.js';

/**
 * `path` (into a rendered object) translated into `value` (a source document: the resource or a
 * patch): list items are matched by their `name` when they have one (kustomize merges lists by
 * key, so indexes move), else by index. `complete` when the whole path exists in `value`.
 */
export function translatePath(rendered: unknown, value: unknown, path: NodePath): { path: (string | number)[]; complete: boolean; value: unknown } {
  const out: (string | number)[] = [];
  let r = rendered;
  let v = value;
  for (const seg of path) {
    if (typeof seg === 'number' && Array.isArray(v)) {
      const item = Array.isArray(r) ? r[seg] : undefined;
      const name = isMap(item) ? item.name : undefined;
      const byName = name === undefined ? -1 : v.findIndex((x) => isMap(x) && x.name === name);
      // renamed by a patch, or no name: the same index
      const i = byName >= 0 ? byName : seg;
      if (i < 0 || i >= v.length) return { path: out, complete: false, value: v };
      out.push(i);
      r = item;
      v = v[i];
    } else if (typeof seg === 'string' && isMap(v) && seg in v) {
      out.push(seg);
      r = isMap(r) ? r[seg] : undefined;
      v = v[seg];
    } else return { path: out, complete: false, value: v };
  }
  return { path: out, complete: true, value: v };
}

/** The value at `path` in `value`, or undefined. */
export function valueAt(value: unknown, path: NodePath): unknown {
  let v = value;
  for (const seg of path) {
    if (typeof seg === 'number' ? !Array.isArray(v) : !isMap(v)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
