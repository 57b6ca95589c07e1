import type { NodePath } from '../check/finding.js';
import type { ResourceDoc } from '../yaml/source.js';

/** Where a part of a rendered object was written: a document of the repository and a path in it. */
export interface Origin {
  doc: ResourceDoc;
  path: NodePath;
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/**
 * Remembers, for the maps and lists of rendered objects, the source they were copied from, and
 * for a field set by a transformer or patch, the document that set it. A position asked for a
 * path of a rendered object is the origin of the deepest part of that path with one, plus the
 * rest of the path: an unchanged field maps into its resource, a patched one into the patch.
 */
export class Provenance {
  private readonly nodes = new WeakMap<object, Origin>();
  private readonly keys = new WeakMap<object, Map<string | number, Origin>>();

  /** A deep copy of `value` whose every map and list records its origin. */
  copy(value: unknown, origin: Origin): unknown {
    if (!isContainer(value)) return value;
    let out: Container;
    if (Array.isArray(value)) out = value.map((v, i) => this.copy(v, { doc: origin.doc, path: [...origin.path, i] }));
    else {
      const m: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) m[k] = this.copy(v, { doc: origin.doc, path: [...origin.path, k] });
      out = m;
    }
    this.nodes.set(out, origin);
    return out;
  }

  /** Records that `container[key]` was set from `origin` (a scalar a transformer or patch wrote). */
  setKey(container: object, key: string | number, origin: Origin): void {
    let m = this.keys.get(container);
    if (!m) {
      m = new Map();
      this.keys.set(container, m);
    }
    m.set(key, origin);
  }

  /** The origin of `container` itself, if it was copied by `copy`. */
  nodeOrigin(container: object): Origin | undefined {
    return this.nodes.get(container);
  }

  /** The source position of `path` inside the rendered `root`. */
  originOf(root: object, path: NodePath, fallback: Origin): Origin {
    let best: Origin = this.nodes.get(root) ?? fallback;
    let rest: (string | number)[] = [];
    let cur: unknown = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as string | number;
      const next = isContainer(cur) ? (cur as Record<string | number, unknown>)[seg] : undefined;
      const byKey = isContainer(cur) ? this.keys.get(cur)?.get(seg) : undefined;
      const byNode = isContainer(next) ? this.nodes.get(next) : undefined;
      if (byNode) [best, rest] = [byNode, []];
      else if (byKey) [best, rest] = [byKey, []];
      else rest.push(seg);
      if (next === undefined) {
        rest.push(...path.slice(i + 1));
        break;
      }
      cur = next;
    }
    return { doc: best.doc, path: [...best.path, ...rest] };
  }
}
