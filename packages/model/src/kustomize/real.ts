import { posix } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { NodePath } from '../check/finding.js';
import type { ResourceDoc, SourceFile } from '../yaml/source.js';
import { asArray, asString, isMap, type JsonMap } from '../yaml/values.js';
import type { KustomizeBuild, KustomizeOrigin } from './build-result.js';
import { inlinePatchDocs } from './inline.js';
import { translatePath, valueAt } from './locate.js';
import type { Origin } from './provenance.js';
import { isRemote, type Kustomization, type KustomizeNotice, type KustomizeRender, kustomizationsOf, renderUncovered } from './render.js';

/**
 * What a real kustomize rendered (KustomizeBuild, one per kustomization directory), as documents
 * whose findings land in the source files: a resource's fields in its file (list items matched by
 * name), a field a patch set in that patch (best effort: a patch of a kustomization that includes
 * the resource, which names the object or whose target selects it; a JSON 6902 operation whose
 * path covers the field), a generated object at its generator's entry in kustomization.yaml.
 */

interface Patch {
  doc: ResourceDoc;
  /** The patch document's path inside `doc` (non-empty for an inline patch that could not be located). */
  at: NodePath;
  value: unknown;
  target: JsonMap | undefined;
  /** The kustomization that lists the patch. */
  owner: Kustomization;
}

interface Placed {
  /** The document that positions fall back to (resource, or the kustomization of a generator). */
  base: Origin;
  /** A generated object: every path lands on the generator entry. */
  generated: boolean;
  rendered: JsonMap;
  patches: Patch[];
}

const GENERATOR_KEYS: Readonly<Record<string, string>> = { ConfigMapGenerator: 'configMapGenerator', SecretGenerator: 'secretGenerator' };

/** The kustomization directories (relative) a real kustomize is asked to render: every one that is not a Component. */
export function kustomizationDirs(files: readonly SourceFile[]): string[] {
  return [...kustomizationsOf(files).values()].filter((k) => k.value.kind !== 'Component').map((k) => k.dir);
}

/** The kustomizations `k` includes, itself first (local directories only). */
function tree(k: Kustomization, byDir: ReadonlyMap<string, Kustomization>, seen = new Set<string>()): Kustomization[] {
  if (seen.has(k.dir)) return [];
  seen.add(k.dir);
  const out = [k];
  for (const key of ['resources', 'bases', 'components'] as const) {
    for (const e of asArray(k.value[key])) {
      const s = asString(e);
      const child = s && !isRemote(s) ? byDir.get(posix.normalize(posix.join(k.dir, s)).replace(/\/$/, '')) : undefined;
      if (child) out.push(...tree(child, byDir, seen));
    }
  }
  return out;
}

function patchDocs(k: Kustomization, files: ReadonlyMap<string, SourceFile>, entry: unknown, where: NodePath): Omit<Patch, 'target' | 'owner'>[] {
  const inline = typeof entry === 'string' ? (entry.includes('\n') ? entry : undefined) : isMap(entry) ? asString(entry.patch) : undefined;
  if (inline !== undefined) {
    const at = typeof entry === 'string' ? where : [...where, 'patch'];
    const located = inlinePatchDocs({ doc: k.origin.doc, path: at }, inline);
    if (located) return located.map((d) => ({ doc: d, at: [], value: d.value }));
    const docs = parseAllDocuments(inline);
    return (Array.isArray(docs) ? docs : []).map((d) => ({ doc: k.origin.doc, at, value: d.toJS({ maxAliasCount: 100 }) as unknown }));
  }
  const path = typeof entry === 'string' ? entry : isMap(entry) ? asString(entry.path) : undefined;
  const f = path && !isRemote(path) ? files.get(posix.normalize(posix.join(k.dir, path))) : undefined;
  return (f?.docs ?? []).map((d) => ({ doc: d, at: [], value: d.value }));
}

/** Every patch of the kustomizations in `k`'s tree, in the order kustomize applies them (bases first). */
function patchesOf(k: Kustomization, byDir: ReadonlyMap<string, Kustomization>, files: ReadonlyMap<string, SourceFile>): Patch[] {
  const out: Patch[] = [];
  for (const kk of tree(k, byDir).reverse()) {
    asArray(kk.value.patchesStrategicMerge).forEach((e, i) => {
      for (const p of patchDocs(kk, files, e, ['patchesStrategicMerge', i])) out.push({ ...p, target: undefined, owner: kk });
    });
    for (const key of ['patches', 'patchesJson6902'] as const) {
      asArray(kk.value[key]).forEach((e, i) => {
        const target = isMap(e) && isMap(e.target) ? e.target : undefined;
        for (const p of patchDocs(kk, files, e, [key, i])) out.push({ ...p, target, owner: kk });
      });
    }
  }
  return out;
}

/** Whether a patch is about this object: its target (kind, name) or, without one, its own kind and name. */
function patches(p: Patch, obj: JsonMap): boolean {
  const kind = asString(obj.kind);
  const name = isMap(obj.metadata) ? (asString(obj.metadata.name) ?? '') : '';
  const want = p.target ?? (isMap(p.value) ? { kind: p.value.kind, name: isMap(p.value.metadata) ? p.value.metadata.name : undefined } : {});
  const wk = asString(want.kind);
  const wn = asString(want.name);
  return (!wk || wk === kind) && (!wn || name.includes(wn) || safeTest(wn, name));
}

function safeTest(pattern: string, s: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(s);
  } catch {
    return false;
  }
}

/**
 * Whether JSON 6902 operation `op` wrote `path`: its path is a prefix of `path` (or, for an append
 * `/list/-`, the item at `path`'s index is the op's value). The path inside the op, or undefined.
 */
function opCovers(op: unknown, path: NodePath, rendered: JsonMap): NodePath | undefined {
  if (!isMap(op) || typeof op.path !== 'string') return undefined;
  const segs = op.path.split('/').slice(1).map((x) => x.replaceAll('~1', '/').replaceAll('~0', '~'));
  const append = segs.at(-1) === '-';
  const prefix = append ? segs.slice(0, -1) : segs;
  if (path.length < segs.length || prefix.some((seg, i) => seg !== String(path[i]))) return undefined;
  const n = prefix.length + (append ? 1 : 0);
  if (append && JSON.stringify(valueAt(rendered, path.slice(0, n))) !== JSON.stringify(op.value)) return undefined;
  return 'value' in op ? ['value', ...path.slice(n)] : [];
}

/** The position of `path` of a rendered object: a patch that set it, else the resource (or generator entry). */
function place(p: Placed, path: NodePath): Origin {
  if (p.generated) return p.base;
  const src = translatePath(p.rendered, p.base.doc.value, path);
  const same = src.complete && JSON.stringify(src.value) === JSON.stringify(valueAt(p.rendered, path));
  if (!same) {
    for (const patch of [...p.patches].reverse()) {
      if (Array.isArray(patch.value)) {
        const ops = patch.value;
        for (let i = ops.length - 1; i >= 0; i--) {
          const rest = opCovers(ops[i], path, p.rendered);
          if (rest) return { doc: patch.doc, path: [...patch.at, i, ...rest] };
        }
        continue;
      }
      const t = translatePath(p.rendered, patch.value, path);
      if (t.complete) return { doc: patch.doc, path: [...patch.at, ...t.path] };
    }
  }
  return { doc: p.base.doc, path: [...p.base.path, ...src.path] };
}

/** The source document of a rendered resource: same kind in its file, by name (kustomize may have prefixed it). */
function resourceDoc(file: SourceFile, obj: JsonMap): ResourceDoc | undefined {
  const kind = asString(obj.kind);
  const name = isMap(obj.metadata) ? (asString(obj.metadata.name) ?? '') : '';
  const same = file.docs.filter((d) => d.kind === kind);
  const byName = same.filter((d) => d.name && name.includes(d.name)).sort((a, b) => (b.name?.length ?? 0) - (a.name?.length ?? 0));
  return same.find((d) => d.name === name) ?? byName[0] ?? same[0] ?? file.docs[0];
}

/** Whether kustomization `k` lists `file` among its resources. */
function lists(k: Kustomization, file: string): boolean {
  return [...asArray(k.value.resources), ...asArray(k.value.bases)].some((e) => typeof e === 'string' && posix.normalize(posix.join(k.dir, e)) === file);
}

/** The generator entry of kustomization `k` that made `obj` (its name is in the rendered name, which has a hash). */
function generatorEntry(k: Kustomization, kind: string | undefined, obj: JsonMap): Origin {
  const key = kind ? GENERATOR_KEYS[kind] : undefined;
  if (!key) return k.origin;
  const name = isMap(obj.metadata) ? (asString(obj.metadata.name) ?? '') : '';
  let best = -1;
  let bestLen = -1;
  asArray(k.value[key]).forEach((e, i) => {
    const n = isMap(e) ? (asString(e.name) ?? '') : '';
    if (name.includes(n) && n.length > bestLen) [best, bestLen] = [i, n.length];
  });
  return best < 0 ? { doc: k.origin.doc, path: [key] } : { doc: k.origin.doc, path: [key, best] };
}

interface PlaceCtx {
  k: Kustomization;
  byDir: ReadonlyMap<string, Kustomization>;
  files: ReadonlyMap<string, SourceFile>;
  patches: Patch[];
  /** `${kustomization dir}\0${file}` → whether the kustomization's tree lists the file (memo). */
  includes: Map<string, boolean>;
}

/** Where a rendered object came from, or undefined for one of a remote base. */
function placed(ctx: PlaceCtx, obj: JsonMap, origin: KustomizeOrigin | undefined): Placed | undefined {
  if (origin?.repo) return undefined;
  const rel = (p: string) => posix.normalize(posix.join(ctx.k.dir, p));
  if (origin?.path) {
    const file = ctx.files.get(rel(origin.path));
    const doc = file && resourceDoc(file, obj);
    if (!doc) return { base: ctx.k.origin, generated: true, rendered: obj, patches: [] };
    const over = (p: Patch) => {
      const key = `${p.owner.dir}\u0000${doc.file}`;
      let yes = ctx.includes.get(key);
      if (yes === undefined) {
        yes = tree(p.owner, ctx.byDir).some((kk) => lists(kk, doc.file));
        ctx.includes.set(key, yes);
      }
      return yes;
    };
    return { base: { doc, path: [] }, generated: false, rendered: obj, patches: ctx.patches.filter((p) => over(p) && patches(p, obj)) };
  }
  const by = origin?.configuredIn ? ctx.byDir.get(posix.dirname(rel(origin.configuredIn))) : undefined;
  return { base: by ? generatorEntry(by, origin?.configuredBy?.kind, obj) : ctx.k.origin, generated: true, rendered: obj, patches: [] };
}

function renderedDoc(base: ResourceDoc, value: JsonMap): ResourceDoc {
  const meta = isMap(value.metadata) ? value.metadata : {};
  return {
    file: base.file,
    index: base.index,
    value,
    apiVersion: asString(value.apiVersion),
    kind: asString(value.kind),
    name: asString(meta.name),
    namespace: asString(meta.namespace),
    get ast() {
      return base.ast;
    },
    source: base.source,
  };
}

/** Where each remote entry of `k`'s tree is written. */
function remoteNotices(k: Kustomization, byDir: ReadonlyMap<string, Kustomization>, remote: readonly string[], why: string): KustomizeNotice[] {
  const out: KustomizeNotice[] = [];
  for (const kk of tree(k, byDir)) {
    for (const key of ['resources', 'bases', 'components'] as const) {
      asArray(kk.value[key]).forEach((e, i) => {
        if (typeof e === 'string' && remote.includes(e)) out.push({ code: 'KUSTOMIZE_REMOTE_BASE', at: { doc: kk.origin.doc, path: [key, i] }, message: `remote base ${e} is never fetched: ${why}` });
      });
    }
  }
  return out;
}

/** The entry of `k` that kustomize's message names (`accumulating resources from 'X'`, `path(X)` of a patch), else the file. */
function errorAt(k: Kustomization, message: string): Origin {
  const named = [...message.matchAll(/'([^'\s]+)'|path\(([^)\s]+)\)/g)].map((m) => m[1] ?? m[2]);
  const keys = ['resources', 'bases', 'components', 'patchesStrategicMerge', 'patches', 'patchesJson6902'] as const;
  for (const name of named) {
    for (const key of keys) {
      const list = asArray(k.value[key]);
      const i = list.findIndex((e) => e === name || (isMap(e) && e.path === name));
      if (i >= 0) return { doc: k.origin.doc, path: typeof list[i] === 'string' ? [key, i] : [key, i, 'path'] };
    }
  }
  return k.origin;
}

/** kustomize's message with this machine's absolute path of the kustomization cut to the repository's. */
function relativeMessage(k: Kustomization, message: string): string {
  if (k.dir === '.' || k.dir === '') return message;
  const dir = k.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`/[^\\s']*?/${dir}/`, 'g'), `${k.dir}/`);
}

/**
 * A build kustomize refuses. A resource listed but absent from the tree is a warning, not an
 * error: continuous-delivery jobs fetch a release manifest into a base just before they build it
 * (tektoncd/plumbing's tekton/cd/<project>/base lists a release.yaml that no checkout holds), so
 * only the job can tell whether the file will be there. Anything else kustomize refuses is an error.
 */
function buildFailure(k: Kustomization, error: string): KustomizeNotice {
  const message = relativeMessage(k, error);
  const missing = /accumulating resources from '([^']+)'.*(no such file or directory|evalsymlink failure)/s.exec(error);
  if (missing) {
    return {
      code: 'KUSTOMIZE_RESOURCE_MISSING',
      at: errorAt(k, error),
      message: `kustomize cannot build ${k.dir} from this tree: it lists ${missing[1]}, which is not here (a file fetched or generated before the build?); its other resources are checked as files on their own (kustomize: ${message})`,
    };
  }
  return { code: 'KUSTOMIZE_BUILD_FAILED', at: errorAt(k, error), message: `kustomize build ${k.dir}: ${message}` };
}

/** Objects of one successful build, placed in their sources. */
function objectsOf(ctx: PlaceCtx, build: KustomizeBuild, out: KustomizeRender, placedOf: WeakMap<ResourceDoc, Placed>): void {
  for (const o of build.objects) {
    const value = parse(o.yaml, { maxAliasCount: 100 }) as unknown;
    if (!isMap(value)) continue;
    const p = placed(ctx, value, o.origin);
    if (!p) continue;
    const doc = renderedDoc(p.base.doc, value);
    placedOf.set(doc, p);
    if (!p.generated) (out.consumed as Set<string>).add(p.base.doc.file);
    const files = new Set([p.base.doc.file, ctx.k.file, ...p.patches.map((x) => x.doc.file)]);
    out.objects.push({ doc, files, kustomization: ctx.k.file, partial: build.remote.length > 0 });
  }
}

/**
 * The KustomizeRender of real builds: each kustomization that no other includes, and a base on
 * its own only when no kustomization that includes it renders (as the built-in renderer decides).
 * A failed build is one finding at its kustomization.yaml with kustomize's message (an info when
 * a remote base, never fetched, may be the cause); its resources are then checked on their own.
 */
export function renderFromBuilds(files: readonly SourceFile[], builds: ReadonlyMap<string, KustomizeBuild>): KustomizeRender {
  const byDir = kustomizationsOf(files);
  const fileMap = new Map(files.map((f) => [f.file, f]));
  const placedOf = new WeakMap<ResourceDoc, Placed>();
  const out: KustomizeRender = {
    objects: [],
    consumed: new Set(),
    rendered: new Set(),
    notices: [],
    originOf(doc, path) {
      const p = placedOf.get(doc);
      return p ? place(p, path) : undefined;
    },
  };
  const includes = new Map<string, boolean>();
  const render = (k: Kustomization): boolean => {
    const build = builds.get(k.dir);
    if (!build) return false;
    if (build.error !== undefined) {
      if (build.remote.length > 0) out.notices.push(...remoteNotices(k, byDir, build.remote, `kustomize cannot build this kustomization without it (${build.error}); its resources are checked as files on their own`));
      else out.notices.push(buildFailure(k, build.error));
      return false;
    }
    out.notices.push(...remoteNotices(k, byDir, build.remote, 'its objects are not checked'));
    objectsOf({ k, byDir, files: fileMap, patches: patchesOf(k, byDir, fileMap), includes }, build, out, placedOf);
    return true;
  };
  renderUncovered(byDir, render, out);
  const seen = new Set<string>();
  out.notices = out.notices.filter((n) => {
    const key = `${n.code}\u0000${n.at.doc.file}\u0000${n.at.path.join('\u0000')}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  return out;
}
