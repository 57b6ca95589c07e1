import type { ResourceDoc, SourceFile } from './source.js';

const VERSION_DIR = /^\d+(\.\d+){0,2}$/;

/** `tasks/git-clone/0.2/x.yaml` → `tasks/git-clone/0.2` (the catalog version directory), else undefined. */
export function catalogVersionDir(file: string): string | undefined {
  const parts = file.split('/');
  for (let i = parts.length - 2; i >= 1; i--) {
    if (VERSION_DIR.test(parts[i]!)) return parts.slice(0, i + 1).join('/');
  }
  return undefined;
}

/** Orders catalog version directory names numerically: 0.9 < 0.10. */
export function compareCatalogVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Resolves references across the files of a repository. */
export class RepoIndex {
  readonly files: SourceFile[];
  readonly docs: ResourceDoc[];
  private readonly byKindName = new Map<string, ResourceDoc[]>();
  private readonly byKind = new Map<string, ResourceDoc[]>();

  constructor(files: SourceFile[]) {
    this.files = files;
    this.docs = files.flatMap((f) => f.docs);
    for (const d of this.docs) {
      if (!d.kind) continue;
      push(this.byKind, d.kind, d);
      if (d.name) push(this.byKindName, `${d.kind}/${d.name}`, d);
    }
  }

  ofKind(kind: string): readonly ResourceDoc[] {
    return this.byKind.get(kind) ?? [];
  }

  all(kind: string, name: string): readonly ResourceDoc[] {
    return this.byKindName.get(`${kind}/${name}`) ?? [];
  }

  /**
   * Finds `kind/name` as seen from `from`: the same file first, then the same directory (a run
   * next to its Pipeline), then the catalog version `version` when asked for (`taskRef.version`),
   * then the same catalog version directory, then resources outside any version directory, then
   * the newest catalog version.
   */
  resolve(kind: string, name: string, from?: ResourceDoc, version?: string): ResourceDoc | undefined {
    return this.resolveGuessing(kind, name, from, version).doc;
  }

  /**
   * `resolve`, and whether its answer is a guess: when nothing but "the newest" chooses among
   * several catalog versions, or "the first" among same-named objects of unrelated directories,
   * `others` are those a cluster may have installed instead.
   */
  resolveGuessing(kind: string, name: string, from?: ResourceDoc, version?: string): { doc: ResourceDoc | undefined; others: readonly ResourceDoc[] } {
    const doc = this.pick(kind, name, from, version);
    const cands = this.all(kind, name);
    if (!doc || cands.length < 2 || cands.some((c) => c === doc && version !== undefined && versionOf(c) === version)) return { doc, others: [] };
    if (from && cands.some((c) => c.file === from.file || dirOf(c.file) === dirOf(from.file))) return { doc, others: [] };
    const scope = from ? catalogVersionDir(from.file) : undefined;
    if (scope && cands.some((c) => c.file.startsWith(`${scope}/`))) return { doc, others: [] };
    // several same-named objects in unrelated directories: any one may be the one applied
    const unversioned = cands.filter((c) => catalogVersionDir(c.file) === undefined);
    if (unversioned.length === 1) return { doc, others: [] };
    return { doc, others: (unversioned.length > 1 ? unversioned : cands).filter((c) => c !== doc) };
  }

  private pick(kind: string, name: string, from?: ResourceDoc, version?: string): ResourceDoc | undefined {
    const cands = this.all(kind, name);
    if (cands.length === 0) return undefined;
    if (version !== undefined) {
      const wanted = cands.find((c) => versionOf(c) === version);
      if (wanted) return wanted;
    }
    if (cands.length === 1) return cands[0];
    if (from) {
      const same = cands.find((c) => c.file === from.file);
      if (same) return same;
      const dir = dirOf(from.file);
      const sameDir = cands.find((c) => dirOf(c.file) === dir);
      if (sameDir) return sameDir;
      const scope = catalogVersionDir(from.file);
      if (scope) {
        const inScope = cands.find((c) => c.file.startsWith(`${scope}/`));
        if (inScope) return inScope;
      }
    }
    const unversioned = cands.find((c) => catalogVersionDir(c.file) === undefined);
    if (unversioned) return unversioned;
    let best = cands[0]!;
    for (const c of cands) {
      const vb = versionOf(best);
      const vc = versionOf(c);
      if (compareCatalogVersions(vc, vb) > 0) best = c;
    }
    return best;
  }
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}

function versionOf(doc: ResourceDoc): string {
  const dir = catalogVersionDir(doc.file) ?? '';
  return dir.split('/').pop() ?? '0';
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
