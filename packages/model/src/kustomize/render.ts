import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { NodePath } from '../check/finding.js';
import { isKustomizationFile } from '../yaml/apply-units.js';
import type { ResourceDoc, SourceFile } from '../yaml/source.js';
import { asArray, asString, isMap, type JsonMap } from '../yaml/values.js';
import { inlinePatchDocs } from './inline.js';
import { byId, isBuiltIn, selects } from './select.js';
import { jsonPatch, strategicMerge } from './merge.js';
import { type Origin, Provenance } from './provenance.js';
import { type Item, type KustomizationRef, transform } from './transformers.js';
import { memoizedByObject } from '../yaml/memo.js';

/**
 * What each kustomization of a repository renders, built in (no kustomize binary needed): the
 * subset of kustomize that Tekton repositories use — resources and bases (local files and
 * directories), components, namespace, namePrefix/nameSuffix, commonLabels, labels,
 * commonAnnotations, images, replicas, patchesStrategicMerge, patchesJson6902 and patches
 * (strategic merge or JSON 6902, from a file or inline, by the patch's own id or a target).
 * Generated ConfigMaps and Secrets are left out (nothing Tekton-specific to check in them).
 * A remote base is never fetched (one info); the rest of its kustomization is rendered, and the
 * patches that match nothing there (their object is in the remote base) are not checked (one
 * info each). A kustomization that needs anything else (helm charts, replacements, vars,
 * plugins, a file not in the repository) is not rendered: one info says why, and its files are
 * checked on their own as before.
 */

export interface KustomizeNotice {
  code: 'KUSTOMIZE_NOT_RENDERED' | 'KUSTOMIZE_REMOTE_BASE' | 'KUSTOMIZE_PATCH_NO_TARGET' | 'KUSTOMIZE_PATCH_NOT_CHECKED' | 'KUSTOMIZE_BUILD_FAILED' | 'KUSTOMIZE_RESOURCE_MISSING' | 'KUSTOMIZE_APPROXIMATED';
  at: Origin;
  message: string;
}

/** A rendered object as a document whose positions are those of its resource's file. */
export interface RenderedObject {
  doc: ResourceDoc;
  /** Files it was made from (resource, kustomizations, patches). */
  files: ReadonlySet<string>;
  /** The kustomization file whose output it is. */
  kustomization: string;
  /** Rendered without the objects of a remote base: a name it refers to may be defined there. */
  partial: boolean;
}

export interface KustomizeRender {
  objects: RenderedObject[];
  /** Resource files whose objects are checked as rendered, not on their own. */
  consumed: ReadonlySet<string>;
  /** Kustomization files whose output is checked: rendered on their own or through an overlay. */
  rendered: ReadonlySet<string>;
  notices: KustomizeNotice[];
  /** The source position of `path` in a rendered object's document; undefined for any other document. */
  originOf(doc: ResourceDoc, path: NodePath): Origin | undefined;
}

/**
 * Fields that change what a kustomization renders and that the built-in renderer does not do.
 * `configurations` (transformer field specs, mostly nameReference for custom kinds) is ignored on
 * purpose: references keep their unprefixed names, which is how the checks resolve them (against
 * the repository's own documents). `crds` and `openapi` change how lists merge: not rendered.
 */
const UNSUPPORTED = ['helmCharts', 'helmGlobals', 'replacements', 'vars', 'transformers', 'generators', 'validators', 'openapi', 'crds'];

class NotRendered extends Error {
  constructor(
    message: string,
    readonly at: Origin,
  ) {
    super(message);
  }
}

export interface Kustomization extends KustomizationRef {
  dir: string;
}

interface Ctx {
  byDir: Map<string, Kustomization>;
  files: Map<string, SourceFile>;
  prov: Provenance;
  notices: KustomizeNotice[];
  /** Whether the kustomization being rendered lacks the objects of a remote base. */
  partial: boolean;
}

const at = (o: Origin, ...segs: (string | number)[]): Origin => ({ doc: o.doc, path: [...o.path, ...segs] });

export function isRemote(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || /^(github|gitlab|bitbucket)\.(com|org)\//.test(s) || s.includes('?ref=');
}

function resolvePath(k: Kustomization, entry: unknown, where: Origin): string {
  const s = asString(entry);
  if (!s) throw new NotRendered('an entry that is not a path', where);
  if (isRemote(s)) throw new NotRendered(`remote base ${s} is never fetched: not rendered`, where);
  const p = posix.normalize(posix.join(k.dir, s)).replace(/\/$/, '');
  if (p.startsWith('..')) throw new NotRendered(`${s} is outside the repository: not rendered`, where);
  return p;
}

function fileDocs(ctx: Ctx, k: Kustomization, entry: unknown, where: Origin): ResourceDoc[] {
  const p = resolvePath(k, entry, where);
  const f = ctx.files.get(p);
  if (!f) throw new NotRendered(`${String(entry)} is not a YAML file of the repository: not rendered`, where);
  if (f.findings.some((x) => x.severity === 'error')) throw new NotRendered(`${String(entry)} does not parse: not rendered`, where);
  return f.docs;
}

/** Adds the objects of `k`'s resources, then its components, then applies its patches and transformers. */
function build(k: Kustomization, ctx: Ctx, acc: Item[], stack: readonly string[]): void {
  if (stack.includes(k.dir)) throw new NotRendered(`${k.dir} includes itself`, k.origin);
  const inner = [...stack, k.dir];
  for (const key of UNSUPPORTED) if (k.value[key] !== undefined) throw new NotRendered(`${key} is not rendered by plumbing's built-in kustomize`, at(k.origin, key));
  for (const key of ['resources', 'bases'] as const) {
    asArray(k.value[key]).forEach((e, i) => {
      const where = at(k.origin, key, i);
      if (typeof e === 'string' && isRemote(e)) {
        ctx.notices.push({ code: 'KUSTOMIZE_REMOTE_BASE', at: where, message: `remote base ${e} is never fetched: its objects are not checked` });
        ctx.partial = true;
        return;
      }
      const p = resolvePath(k, e, where);
      const child = ctx.byDir.get(p);
      if (child) {
        const sub: Item[] = [];
        build(child, ctx, sub, inner);
        for (const it of sub) it.files.add(k.file);
        acc.push(...sub);
        return;
      }
      for (const d of fileDocs(ctx, k, e, where)) {
        if (!isMap(d.value)) continue;
        const root: Origin = { doc: d, path: [] };
        const value = ctx.prov.copy(d.value, root) as JsonMap;
        const name = isMap(value.metadata) ? asString(value.metadata.name) : undefined;
        acc.push({ value, root, names: new Set(name ? [name] : []), files: new Set([d.file, k.file]) });
      }
    });
  }
  asArray(k.value.components).forEach((e, i) => {
    const where = at(k.origin, 'components', i);
    const c = ctx.byDir.get(resolvePath(k, e, where));
    if (!c) throw new NotRendered(`component ${String(e)} has no kustomization in the repository: not rendered`, where);
    build(c, ctx, acc, inner);
  });
  applyPatches(k, ctx, acc);
  transform(acc, k, ctx.prov);
}

interface PatchSource {
  value: unknown;
  at: Origin;
  file: string;
}

/** The documents of a patch: from its file, or parsed from an inline string (positions: the string). */
function patchSources(ctx: Ctx, k: Kustomization, entry: JsonMap | string, where: Origin): PatchSource[] {
  const inline = typeof entry === 'string' ? (entry.includes('\n') ? entry : undefined) : asString(entry.patch);
  if (inline !== undefined) {
    const docs = parseAllDocuments(inline);
    const list = Array.isArray(docs) ? docs : [];
    const inlineAt = typeof entry === 'string' ? where : at(where, 'patch');
    if (list.some((d) => d.errors.length > 0)) throw new NotRendered('an inline patch does not parse: not rendered', inlineAt);
    const located = inlinePatchDocs(inlineAt, inline);
    if (located) return located.map((d) => ({ value: d.value, at: { doc: d, path: [] }, file: k.file }));
    return list.map((d) => ({ value: d.toJS({ maxAliasCount: 100 }), at: inlineAt, file: k.file }));
  }
  const path = typeof entry === 'string' ? entry : entry.path;
  const pathAt = typeof entry === 'string' ? where : at(where, 'path');
  return fileDocs(ctx, k, path, pathAt).map((d) => ({ value: d.value, at: { doc: d, path: [] }, file: d.file }));
}

function applyOne(ctx: Ctx, src: PatchSource, target: JsonMap | undefined, items: Item[]): void {
  const isOps = Array.isArray(src.value);
  if (!isOps && !isMap(src.value)) return;
  if (isOps && !target) throw new NotRendered('a JSON 6902 patch without a target', src.at);
  const chosen = items.filter((it) => (target ? selects(target, it) : byId(src.value as JsonMap, it)));
  if (chosen.length === 0 && ctx.partial) {
    ctx.notices.push({ code: 'KUSTOMIZE_PATCH_NOT_CHECKED', at: src.at, message: 'a patch of an object of a remote base, which is never fetched: not checked' });
  } else if (chosen.length === 0 && !target) {
    const message = 'this patch matches no object of the kustomization (kustomize refuses it: no matches for Id)';
    ctx.notices.push({ code: 'KUSTOMIZE_PATCH_NO_TARGET', at: src.at.path.length === 0 ? at(src.at, 'metadata', 'name') : src.at, message });
  }
  for (const it of chosen) {
    it.files.add(src.file);
    if (isOps) {
      const err = jsonPatch(it.value, src.value as unknown[], src.at, ctx.prov);
      if (err) throw new NotRendered(`JSON patch on ${asString(it.value.kind)} ${[...it.names].pop()}: ${err}`, src.at);
    } else strategicMerge(it.value, src.value as JsonMap, src.at, ctx.prov, isBuiltIn(it.value));
  }
}

function applyPatches(k: Kustomization, ctx: Ctx, items: Item[]): void {
  asArray(k.value.patchesStrategicMerge).forEach((e, i) => {
    if (typeof e !== 'string') return;
    for (const src of patchSources(ctx, k, e, at(k.origin, 'patchesStrategicMerge', i))) applyOne(ctx, src, undefined, items);
  });
  for (const key of ['patches', 'patchesJson6902'] as const) {
    asArray(k.value[key]).forEach((e, i) => {
      if (!isMap(e)) return;
      const target = isMap(e.target) ? e.target : undefined;
      for (const src of patchSources(ctx, k, e, at(k.origin, key, i))) applyOne(ctx, src, target, items);
    });
  }
}

export function kustomizationsOf(files: readonly SourceFile[]): Map<string, Kustomization> {
  const byDir = new Map<string, Kustomization>();
  for (const f of files) {
    if (!isKustomizationFile(f.file)) continue;
    const doc = f.docs[0];
    if (!doc || !isMap(doc.value)) continue;
    const dir = posix.dirname(f.file);
    byDir.set(dir, { file: f.file, dir, value: doc.value, origin: { doc, path: [] } });
  }
  return byDir;
}

function asDoc(item: Item): ResourceDoc {
  const base = item.root.doc;
  const v = item.value;
  const meta = isMap(v.metadata) ? v.metadata : {};
  return {
    file: base.file,
    index: base.index,
    value: v,
    apiVersion: asString(v.apiVersion),
    kind: asString(v.kind),
    name: asString(meta.name),
    namespace: asString(meta.namespace),
    get ast() {
      return base.ast;
    },
    source: base.source,
  };
}

/** The kustomizations that list each kustomization directory as a resource, base or component. */
export function referrersOf(byDir: ReadonlyMap<string, Kustomization>): Map<string, Kustomization[]> {
  const out = new Map<string, Kustomization[]>();
  for (const k of byDir.values()) {
    for (const key of ['resources', 'bases', 'components'] as const) {
      for (const e of asArray(k.value[key])) {
        const s = asString(e);
        if (!s || isRemote(s)) continue;
        const child = byDir.get(posix.normalize(posix.join(k.dir, s)).replace(/\/$/, ''));
        if (child && child !== k) out.set(child.dir, [...(out.get(child.dir) ?? []), k]);
      }
    }
  }
  return out;
}

/**
 * Renders the kustomizations of `files`: each one that no other includes (an overlay, a
 * stand-alone kustomization), and a base on its own only when no kustomization that includes it
 * renders (a base is often incomplete until its overlay patches it).
 */
export function renderKustomizations(files: readonly SourceFile[]): KustomizeRender {
  const byDir = kustomizationsOf(files);
  const prov = new Provenance();
  const origins = new WeakMap<ResourceDoc, Item>();
  const out: KustomizeRender = {
    objects: [],
    consumed: new Set(),
    rendered: new Set(),
    notices: [],
    originOf(doc, path) {
      const item = origins.get(doc);
      return item ? prov.originOf(item.value, path, item.root) : undefined;
    },
  };
  if (byDir.size === 0) return out;
  const ctx: Ctx = { byDir, files: new Map(files.map((f) => [f.file, f])), prov, notices: out.notices, partial: false };
  const render = (k: Kustomization): boolean => {
    const items: Item[] = [];
    ctx.partial = false;
    try {
      build(k, ctx, items, []);
    } catch (e) {
      // Anything else (an invalid target regular expression, an alias bomb in an inline patch) is the input's, not a crash.
      const why = e instanceof NotRendered ? e : new NotRendered(`cannot be rendered: ${e instanceof Error ? e.message : String(e)}`, k.origin);
      out.notices.push({ code: 'KUSTOMIZE_NOT_RENDERED', at: why.at, message: why.message });
      return false;
    }
    for (const item of items) {
      const doc = asDoc(item);
      origins.set(doc, item);
      (out.consumed as Set<string>).add(item.root.doc.file);
      out.objects.push({ doc, files: item.files, kustomization: k.file, partial: ctx.partial });
    }
    return true;
  };
  renderUncovered(byDir, render, out);
  // A base's problem is met once per kustomization that renders it: said once.
  const seen = new Set<string>();
  out.notices = out.notices.filter((n) => {
    // Inline patches are parsed again for each rendering: told apart by where their document starts.
    const key = `${n.code}\u0000${n.at.doc.file}\u0000${n.at.doc.ast.contents?.range?.[0] ?? 0}\u0000${n.at.path.join('\u0000')}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  return out;
}

/**
 * Renders each kustomization with `render` unless an overlay that includes it renders (a base is
 * checked through the overlays that render it; on its own only when none of them renders), once
 * each, include cycles cut; the kustomizations rendered either way go in `out.rendered`.
 */
export function renderUncovered(byDir: ReadonlyMap<string, Kustomization>, render: (k: Kustomization) => boolean, out: KustomizeRender): void {
  const referrers = referrersOf(byDir);
  const covered = new Map<string, boolean>();
  const isCovered = (k: Kustomization, stack: ReadonlySet<string>): boolean => {
    const known = covered.get(k.dir);
    if (known !== undefined) return known;
    if (stack.has(k.dir)) return false;
    const inner = new Set([...stack, k.dir]);
    const viaOverlay = (referrers.get(k.dir) ?? []).some((r) => isCovered(r, inner));
    const ok = viaOverlay || (k.value.kind !== 'Component' && render(k));
    covered.set(k.dir, ok);
    if (ok) (out.rendered as Set<string>).add(k.file);
    return ok;
  };
  for (const k of byDir.values()) isCovered(k, new Set());
}

/** renderKustomizations, once per list of files (a RepoIndex's `files`). */
export const kustomizeRenderOf: (files: readonly SourceFile[]) => KustomizeRender = memoizedByObject((files) => renderKustomizations(files));
