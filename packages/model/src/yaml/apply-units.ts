import { posix } from 'node:path';
import type { ResourceDoc, SourceFile } from './source.js';
import { catalogVersionDir } from './repo-index.js';
import { memoizedByObject } from './memo.js';
import { asArray, asString, isMap, type JsonMap } from './values.js';

/**
 * Apply units: the sets of files that reach a cluster together, in which two objects of the same
 * kind, namespace and name collide. A file on its own is one; so is everything one kustomization
 * renders (with the namespace and name prefix/suffix kustomize gives its objects), and each
 * source of a plumbing Cluster (its deploy source set). Two files in neither — a catalog's
 * samples/ and tests/, two upstream examples — never collide: nobody applies them together.
 *
 * Kustomize's own inputs (kustomization.yaml, the patches it applies, its replacement configs)
 * are not objects on their own and are listed separately.
 */
export interface ApplyUnit {
  /** A stable key: `kustomize:<dir>` or `cluster:<name>:<path>`. */
  id: string;
  /** The namespace the unit forces on its objects, if any. */
  namespace?: string;
  prefix: string;
  suffix: string;
}

export interface ApplyUnits {
  /** file → the units it belongs to (none: the file is its own unit). */
  unitsOf: Map<string, ApplyUnit[]>;
  /** Files that kustomize reads as kustomizations or patches: inputs, not objects. */
  kustomizeInputs: Map<string, { role: 'kustomization' | 'patch'; by: string }>;
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

interface Kustomization {
  file: string;
  dir: string;
  value: JsonMap;
}

/** Whether `file` is named as kustomize names its kustomization files. */
export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_NAMES.has(posix.basename(file));
}

function kustomizations(files: readonly SourceFile[]): Map<string, Kustomization> {
  const byDir = new Map<string, Kustomization>();
  for (const f of files) {
    if (!isKustomizationFile(f.file)) continue;
    const value = f.docs[0]?.value;
    if (!isMap(value)) continue;
    const dir = posix.dirname(f.file);
    byDir.set(dir, { file: f.file, dir, value });
  }
  return byDir;
}

function local(dir: string, entry: unknown): string | undefined {
  const s = asString(entry);
  if (!s || /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || s.startsWith('github.com/')) return undefined;
  const p = posix.normalize(posix.join(dir, s));
  return p.startsWith('..') ? undefined : p.replace(/\/$/, '');
}

/** The files a kustomization reads as patches or replacement configs. */
function patchFiles(k: Kustomization): string[] {
  const v = k.value;
  const out: (string | undefined)[] = [];
  for (const e of asArray(v.patchesStrategicMerge)) if (typeof e === 'string' && !e.includes('\n')) out.push(local(k.dir, e));
  for (const key of ['patches', 'patchesJson6902', 'replacements'] as const) {
    for (const e of asArray(v[key])) if (isMap(e)) out.push(local(k.dir, e.path));
  }
  return out.filter((p): p is string => p !== undefined);
}

function resourceEntries(k: Kustomization): string[] {
  const v = k.value;
  return [...asArray(v.resources), ...asArray(v.bases), ...asArray(v.components), ...asArray(v.crds)]
    .map((e) => local(k.dir, e))
    .filter((p): p is string => p !== undefined);
}

/** applyUnits, computed once per list of files (a RepoIndex's `files`). */
export const applyUnitsOf: (files: readonly SourceFile[]) => ApplyUnits = memoizedByObject((files) => applyUnits(files));

/** Computes the apply units of the files of one repository. */
export function applyUnits(files: readonly SourceFile[]): ApplyUnits {
  const byDir = kustomizations(files);
  const fileSet = new Set(files.map((f) => f.file));
  const unitsOf = new Map<string, ApplyUnit[]>();
  const kustomizeInputs = new Map<string, { role: 'kustomization' | 'patch'; by: string }>();
  const referenced = new Set<string>();
  for (const k of byDir.values()) {
    kustomizeInputs.set(k.file, { role: 'kustomization', by: k.file });
    for (const p of patchFiles(k)) if (!kustomizeInputs.has(p)) kustomizeInputs.set(p, { role: 'patch', by: k.file });
    for (const r of resourceEntries(k)) if (byDir.has(r)) referenced.add(r);
  }
  const add = (file: string, unit: ApplyUnit) => {
    const l = unitsOf.get(file);
    if (!l) unitsOf.set(file, [unit]);
    else if (!l.some((u) => u.id === unit.id)) l.push(unit);
  };
  for (const root of byDir.values()) {
    if (referenced.has(root.dir)) continue;
    const walk = (k: Kustomization, outer: Omit<ApplyUnit, 'id'>, seen: Set<string>) => {
      if (seen.has(k.dir)) return;
      seen.add(k.dir);
      const ns = outer.namespace ?? asString(k.value.namespace);
      const here = { prefix: outer.prefix + (asString(k.value.namePrefix) ?? ''), suffix: (asString(k.value.nameSuffix) ?? '') + outer.suffix, ...(ns ? { namespace: ns } : {}) };
      for (const r of resourceEntries(k)) {
        const child = byDir.get(r);
        if (child) walk(child, here, seen);
        else if (fileSet.has(r) && !kustomizeInputs.has(r)) add(r, { id: `kustomize:${root.dir}`, ...here });
      }
    };
    walk(root, { prefix: '', suffix: '' }, new Set());
  }
  for (const [file, unit] of clusterSourceUnits(files)) if (!kustomizeInputs.has(file)) add(file, unit);
  return { unitsOf, kustomizeInputs };
}

/** Files under each source path of each plumbing Cluster; a catalog version directory stays its own set. */
function clusterSourceUnits(files: readonly SourceFile[]): [string, ApplyUnit][] {
  const out: [string, ApplyUnit][] = [];
  for (const f of files) {
    for (const d of f.docs) {
      if (d.kind !== 'Cluster' || d.apiVersion !== 'plumbing.dev/v1alpha1' || !isMap(d.value) || !isMap(d.value.spec)) continue;
      for (const s of asArray(d.value.spec.sources)) {
        const path = isMap(s) ? asString(s.path)?.replace(/\/$/, '') : undefined;
        if (!path) continue;
        const ns = isMap(s) ? asString(s.namespace) : undefined;
        for (const g of files) {
          if (g.file !== path && !g.file.startsWith(`${path}/`)) continue;
          const version = catalogVersionDir(g.file);
          out.push([g.file, { id: `cluster:${d.name ?? ''}:${version ?? path}`, prefix: '', suffix: '', ...(ns ? { namespace: ns } : {}) }]);
        }
      }
    }
  }
  return out;
}

/**
 * The keys under which `doc` collides with another object: one per apply unit it belongs to,
 * or its own file's when it belongs to none.
 */
export function collisionKeys(doc: ResourceDoc, units: ApplyUnits): string[] {
  const list = units.unitsOf.get(doc.file);
  if (!list || list.length === 0) return [`file:${doc.file}\u0000${doc.kind}\u0000${doc.namespace ?? ''}\u0000${doc.name}`];
  return list.map((u) => `${u.id}\u0000${doc.kind}\u0000${u.namespace ?? doc.namespace ?? ''}\u0000${u.prefix}${doc.name}${u.suffix}`);
}
