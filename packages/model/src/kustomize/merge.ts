import { isMap, type JsonMap } from '../yaml/values.js';
import type { Origin, Provenance } from './provenance.js';

/**
 * Kustomize's two patch kinds, on plain values, recording in `prov` where each patched part came
 * from. Strategic merge follows kustomize (kyaml) as `kubectl kustomize` v5 does: maps merge,
 * `null` deletes, `$patch: delete|replace` directives; lists merge by their patchMergeKey only in
 * Kubernetes' own kinds (containers by name, volumeMounts by mountPath, ...), every other list,
 * and every list of a custom resource such as a Tekton Task's steps, is replaced whole.
 */

const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

function mergeKey(key: string, items: unknown[]): string | undefined {
  if (key === 'ports') return items.some((i) => isMap(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[key];
}

const at = (o: Origin, ...segs: (string | number)[]): Origin => ({ doc: o.doc, path: [...o.path, ...segs] });

/** Applies the strategic-merge patch `patch` (written at `origin`) to `target`, in place. */
export function strategicMerge(target: JsonMap, patch: JsonMap, origin: Origin, prov: Provenance, builtIn: boolean): void {
  for (const [key, pv] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    const here = at(origin, key);
    const tv = target[key];
    if (pv === null) {
      delete target[key];
    } else if (isMap(pv) && pv.$patch === 'delete') {
      delete target[key];
    } else if (isMap(pv) && isMap(tv) && pv.$patch !== 'replace') {
      strategicMerge(tv, pv, here, prov, builtIn);
    } else if (Array.isArray(pv) && Array.isArray(tv) && builtIn && mergeKey(key, [...tv, ...pv])) {
      target[key] = mergeList(tv, pv, mergeKey(key, [...tv, ...pv]) as string, here, prov, builtIn);
    } else {
      target[key] = prov.copy(withoutDirectives(pv), here);
      prov.setKey(target, key, here);
    }
  }
}

/** Patch items first, in the patch's order (merged into their match), then the target's others. */
function mergeList(target: unknown[], patch: unknown[], key: string, origin: Origin, prov: Provenance, builtIn: boolean): unknown[] {
  const out: unknown[] = [];
  const used = new Set<number>();
  patch.forEach((p, i) => {
    const here = at(origin, i);
    if (!isMap(p)) {
      out.push(prov.copy(p, here));
      return;
    }
    const idx = target.findIndex((t, j) => !used.has(j) && isMap(t) && p[key] !== undefined && t[key] === p[key]);
    if (idx >= 0) used.add(idx);
    if (p.$patch === 'delete') return;
    const t = target[idx];
    if (isMap(t)) {
      strategicMerge(t, p, here, prov, builtIn);
      out.push(t);
    } else out.push(prov.copy(withoutDirectives(p), here));
  });
  target.forEach((t, j) => {
    if (!used.has(j)) out.push(t);
  });
  return out;
}

function withoutDirectives(v: unknown): unknown {
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  for (const [k, e] of Object.entries(v)) if (!k.startsWith('$')) out[k] = e;
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  return path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Parent = { container: JsonMap | unknown[]; key: string };

function parentOf(root: JsonMap, segs: string[]): Parent | undefined {
  let cur: unknown = root;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isMap(cur)) cur = cur[s];
    else return undefined;
  }
  const key = segs[segs.length - 1];
  if (key === undefined || !(Array.isArray(cur) || isMap(cur))) return undefined;
  return { container: cur, key };
}

function read(p: Parent): unknown {
  return Array.isArray(p.container) ? p.container[Number(p.key)] : p.container[p.key];
}

function remove(p: Parent): unknown {
  const v = read(p);
  if (Array.isArray(p.container)) p.container.splice(Number(p.key), 1);
  else delete p.container[p.key];
  return v;
}

function write(p: Parent, value: unknown, insert: boolean, origin: Origin, prov: Provenance): void {
  if (Array.isArray(p.container)) {
    const i = p.key === '-' ? p.container.length : Number(p.key);
    if (insert) p.container.splice(i, 0, value);
    else p.container[i] = value;
    if (!isMap(value) && !Array.isArray(value)) prov.setKey(p.container, i, origin);
  } else {
    p.container[p.key] = value;
    prov.setKey(p.container, p.key, origin);
  }
}

/**
 * Applies RFC 6902 operations (written at `origin`, a list) to `root`, in place. Returns what
 * kustomize would refuse (a path that does not exist, an unknown op), or undefined.
 */
export function jsonPatch(root: JsonMap, ops: unknown[], origin: Origin, prov: Provenance): string | undefined {
  for (const [i, op] of ops.entries()) {
    if (!isMap(op) || typeof op.op !== 'string' || typeof op.path !== 'string') return `operation ${i} needs op and path`;
    const target = parentOf(root, pointer(op.path));
    if (!target) return `operation ${i} (${op.op}): path ${op.path} does not exist`;
    const exists = read(target) !== undefined;
    const here = at(origin, i, 'value');
    switch (op.op) {
      case 'add':
        write(target, prov.copy(op.value, here), true, here, prov);
        break;
      case 'replace':
        // kustomize replaces a missing key of an existing map as `add` would.
        write(target, prov.copy(op.value, here), !exists, here, prov);
        break;
      case 'remove':
        if (!exists) return `operation ${i} (remove): path ${op.path} does not exist`;
        remove(target);
        break;
      case 'move':
      case 'copy': {
        const from = typeof op.from === 'string' ? parentOf(root, pointer(op.from)) : undefined;
        if (!from || read(from) === undefined) return `operation ${i} (${op.op}): from ${String(op.from)} does not exist`;
        const v = op.op === 'move' ? remove(from) : structuredClone(read(from));
        write(target, v, true, at(origin, i), prov);
        break;
      }
      case 'test':
        break;
      default:
        return `operation ${i}: unknown op ${op.op}`;
    }
  }
  return undefined;
}
