import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { isMap, type JsonMap, PlumbingError, type ResourceDoc } from '@plumbing/model';
import type { HostWorkspaceBinding, ResolvedWorkspace } from '../contracts.js';

/** Where workspace bindings of one run become host directories. */
export interface WorkspaceContext {
  /** Repository root: persistentVolumeClaim → `<root>/.plumbing/pvc/<claimName>`. */
  root: string;
  /** The run's record directory: emptyDir, volumeClaimTemplate, configMap, secret go under `<runDir>/workspaces/`. */
  runDir: string;
  /** Documents of the command-line files: the only place ConfigMaps and Secrets come from. */
  fileDocs: readonly ResourceDoc[];
  /** `-w name=DIR` from the command line. */
  hostDirs: Readonly<Record<string, string>>;
}

/** A workspace binding failure: becomes the run's failure reason, never a crash. */
export class WorkspaceError extends PlumbingError {
  constructor(message: string) {
    super('WORKSPACE_BINDING', message);
    this.name = 'WorkspaceError';
  }
}

/** The persistent directory standing for a PersistentVolumeClaim. */
export function pvcDir(root: string, claimName: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(claimName)) throw new WorkspaceError(`invalid claimName "${claimName}"`);
  return join(root, '.plumbing', 'pvc', claimName);
}

function safeRel(p: string, what: string): string {
  const n = normalize(p);
  if (n.startsWith('..') || n.startsWith('/') || n === '.') throw new WorkspaceError(`${what}: path "${p}" escapes the workspace`);
  return n;
}

function findData(ctx: WorkspaceContext, kind: 'ConfigMap' | 'Secret', name: string, binding: string): JsonMap {
  const doc = ctx.fileDocs.find((d) => d.kind === kind && d.name === name);
  if (!doc || !isMap(doc.value)) {
    throw new WorkspaceError(`workspace "${binding}" binds ${kind} "${name}", which is not in the files given with -f; add a file that defines it`);
  }
  return doc.value as JsonMap;
}

/** Writes a ConfigMap's or Secret's keys as files in `dir` (honouring `items`). */
function writeKeys(dir: string, kind: 'ConfigMap' | 'Secret', value: JsonMap, items: unknown, binding: string): void {
  const files = new Map<string, Buffer>();
  const put = (key: string, v: unknown, base64: boolean) => {
    if (typeof v !== 'string') return;
    files.set(key, base64 ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
  };
  if (kind === 'ConfigMap') {
    for (const [k, v] of Object.entries(isMap(value.data) ? value.data : {})) put(k, v, false);
    for (const [k, v] of Object.entries(isMap(value.binaryData) ? value.binaryData : {})) put(k, v, true);
  } else {
    for (const [k, v] of Object.entries(isMap(value.data) ? value.data : {})) put(k, v, true);
    for (const [k, v] of Object.entries(isMap(value.stringData) ? value.stringData : {})) put(k, v, false);
  }
  const list = Array.isArray(items) ? items.filter(isMap) : undefined;
  const chosen: [string, Buffer][] = [];
  if (list && list.length > 0) {
    for (const it of list) {
      const key = String(it.key);
      const data = files.get(key);
      if (!data) throw new WorkspaceError(`workspace "${binding}": ${kind} has no key "${key}"`);
      chosen.push([safeRel(typeof it.path === 'string' ? it.path : key, `workspace "${binding}"`), data]);
    }
  } else for (const [k, v] of files) chosen.push([safeRel(k, `workspace "${binding}"`), v]);
  mkdirSync(dir, { recursive: true });
  for (const [rel, data] of chosen) {
    const f = join(dir, rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, data, { mode: kind === 'Secret' ? 0o600 : 0o644 });
  }
}

interface Bound {
  kind: HostWorkspaceBinding['kind'];
  hostPath: string;
  readOnly?: boolean;
  claim?: string;
}

function dirFor(ctx: WorkspaceContext, name: string, what: string): string {
  const d = join(ctx.runDir, 'workspaces', `${name}-${what}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Materialises one Tekton workspace binding as a host directory (subPath not applied). */
export function bindWorkspace(b: JsonMap, ctx: WorkspaceContext): Bound {
  const name = String(b.name);
  const host = ctx.hostDirs[name];
  if (host !== undefined) return { kind: 'hostDir', hostPath: host };
  if (isMap(b.persistentVolumeClaim)) {
    const claim = String(b.persistentVolumeClaim.claimName ?? '');
    const d = pvcDir(ctx.root, claim);
    mkdirSync(d, { recursive: true });
    return { kind: 'persistentVolumeClaim', hostPath: d, claim, ...(b.persistentVolumeClaim.readOnly === true ? { readOnly: true } : {}) };
  }
  if (b.volumeClaimTemplate !== undefined) {
    return { kind: 'volumeClaimTemplate', hostPath: dirFor(ctx, name, 'pvc'), claim: `pvc-${randomBytes(5).toString('hex')}` };
  }
  if (b.emptyDir !== undefined) return { kind: 'emptyDir', hostPath: dirFor(ctx, name, 'emptydir') };
  if (isMap(b.configMap)) {
    const cm = String(b.configMap.name ?? '');
    const d = dirFor(ctx, name, 'configmap');
    writeKeys(d, 'ConfigMap', findData(ctx, 'ConfigMap', cm, name), b.configMap.items, name);
    return { kind: 'configMap', hostPath: d, readOnly: true };
  }
  if (isMap(b.secret)) {
    const sn = String(b.secret.secretName ?? '');
    const d = dirFor(ctx, name, 'secret');
    writeKeys(d, 'Secret', findData(ctx, 'Secret', sn, name), b.secret.items, name);
    return { kind: 'secret', hostPath: d, readOnly: true };
  }
  if (isMap(b.projected)) {
    const d = dirFor(ctx, name, 'projected');
    for (const src of Array.isArray(b.projected.sources) ? b.projected.sources.filter(isMap) : []) {
      if (isMap(src.configMap)) writeKeys(d, 'ConfigMap', findData(ctx, 'ConfigMap', String(src.configMap.name), name), src.configMap.items, name);
      else if (isMap(src.secret)) writeKeys(d, 'Secret', findData(ctx, 'Secret', String(src.secret.name), name), src.secret.items, name);
      else throw new WorkspaceError(`workspace "${name}": only configMap and secret projected sources run locally`);
    }
    return { kind: 'projected', hostPath: d, readOnly: true };
  }
  if (isMap(b.csi)) throw new WorkspaceError(`workspace "${name}": csi volumes cannot run locally; bind it with -w ${name}=DIR or an emptyDir`);
  throw new WorkspaceError(`workspace "${name}" has no volume source (emptyDir, persistentVolumeClaim, volumeClaimTemplate, configMap, secret)`);
}

function bindings(spec: JsonMap): JsonMap[] {
  return Array.isArray(spec.workspaces) ? (spec.workspaces.filter(isMap) as JsonMap[]) : [];
}

/** A TaskRun's bindings as the TaskRun engine takes them: host paths with subPath applied. */
export function bindTaskRunWorkspaces(spec: JsonMap, ctx: WorkspaceContext): ResolvedWorkspace[] {
  return bindings(spec).map((b) => {
    const bound = bindWorkspace(b, ctx);
    let hostPath = bound.hostPath;
    if (typeof b.subPath === 'string' && b.subPath !== '') {
      hostPath = join(hostPath, safeRel(b.subPath, `workspace "${String(b.name)}" subPath`));
      mkdirSync(hostPath, { recursive: true });
    }
    const ws: ResolvedWorkspace = { name: String(b.name), hostPath, volume: `ws-${randomBytes(3).toString('hex')}` };
    if (bound.readOnly) ws.readOnly = true;
    if (bound.claim) ws.claim = bound.claim;
    return ws;
  });
}

/** A PipelineRun's bindings as the PipelineRun engine takes them (subPath kept apart: the engine joins it with the task's). */
export function bindPipelineRunWorkspaces(spec: JsonMap, ctx: WorkspaceContext): HostWorkspaceBinding[] {
  return bindings(spec).map((b) => {
    const bound = bindWorkspace(b, ctx);
    const ws: HostWorkspaceBinding = { name: String(b.name), kind: bound.kind, hostPath: bound.hostPath };
    if (typeof b.subPath === 'string' && b.subPath !== '') ws.subPath = b.subPath;
    if (bound.readOnly) ws.readOnly = true;
    if (bound.claim) ws.claim = bound.claim;
    return ws;
  });
}

/** After a run: secret material does not stay in the record (emptyDir and the rest stay, to inspect). */
export function removeSecretWorkspaces(runDir: string): void {
  const base = join(runDir, 'workspaces');
  if (!existsSync(base)) return;
  for (const d of readdirSync(base)) if (d.endsWith('-secret') || d.endsWith('-projected')) rmSync(join(base, d), { recursive: true, force: true });
}
