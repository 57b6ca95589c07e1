/**
 * The Kubernetes objects a TaskRun sees: the ConfigMaps, Secrets and ServiceAccounts of the `-f`
 * files (on a cluster they exist because the same file applies them). They feed Task volumes with
 * configMap/secret sources, env `valueFrom` configMapKeyRef/secretKeyRef and `envFrom`. Secret values
 * go to files and step environments only: never into an event, warning or error message.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { isMap, type ResourceDoc, type Volume } from '@plumbing/model';

export type ObjectKind = 'ConfigMap' | 'Secret';

/** A ConfigMap's or Secret's keys, decoded (Secret `data` is base64, `stringData` plain), or undefined when absent. */
export function objectKeys(objects: readonly ResourceDoc[] | undefined, kind: ObjectKind, name: string): Map<string, Buffer> | undefined {
  const doc = objects?.find((d) => d.kind === kind && d.name === name);
  if (!doc || !isMap(doc.value)) return undefined;
  const v = doc.value;
  const out = new Map<string, Buffer>();
  const put = (m: unknown, base64: boolean) => {
    for (const [k, x] of Object.entries(isMap(m) ? m : {})) if (typeof x === 'string') out.set(k, Buffer.from(x, base64 ? 'base64' : 'utf8'));
  };
  if (kind === 'ConfigMap') {
    put(v.data, false);
    put(v.binaryData, true);
  } else {
    put(v.data, true);
    put(v.stringData, false);
  }
  return out;
}

/** Secrets' values as strings (for redaction), every Secret of the objects. */
export function secretValues(objects: readonly ResourceDoc[] | undefined): string[] {
  const out: string[] = [];
  for (const d of objects ?? []) {
    if (d.kind !== 'Secret' || d.name === undefined) continue;
    for (const v of objectKeys(objects, 'Secret', d.name)?.values() ?? []) if (v.length >= 4) out.push(v.toString('utf8'));
  }
  return out;
}

/** `text` with every value replaced by `***` (longest first, so a value containing another is masked whole). */
export function redactValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) if (v) out = out.split(v).join('***');
  return out;
}

interface VolumeSource {
  kind: ObjectKind;
  name: string;
  items?: unknown;
  optional?: boolean;
  defaultMode?: unknown;
}

function sourceOf(v: Volume): VolumeSource | undefined {
  if (isMap(v.configMap)) return { kind: 'ConfigMap', name: String(v.configMap.name ?? ''), items: v.configMap.items, optional: v.configMap.optional === true, defaultMode: v.configMap.defaultMode };
  if (isMap(v.secret)) return { kind: 'Secret', name: String(v.secret.secretName ?? ''), items: v.secret.items, optional: v.secret.optional === true, defaultMode: v.secret.defaultMode };
  return undefined;
}

/** The files of a volume source: `items` (key → path, mode) or every key. Paths that escape are refused. */
function filesOf(src: VolumeSource, keys: Map<string, Buffer>): { path: string; data: Buffer; mode: number }[] | string {
  const mode = typeof src.defaultMode === 'number' ? src.defaultMode : 0o644;
  const list = Array.isArray(src.items) ? src.items.filter(isMap) : [];
  const chosen = list.length > 0 ? list.map((it) => ({ key: String(it.key), path: typeof it.path === 'string' ? it.path : String(it.key), mode: typeof it.mode === 'number' ? it.mode : mode })) : [...keys.keys()].map((k) => ({ key: k, path: k, mode }));
  const out: { path: string; data: Buffer; mode: number }[] = [];
  for (const c of chosen) {
    const data = keys.get(c.key);
    if (!data) return `${src.kind} "${src.name}" has no key "${c.key}"`;
    const rel = normalize(c.path);
    if (rel.startsWith('..') || rel.startsWith('/')) return `path "${c.path}" of ${src.kind} "${src.name}" escapes the volume`;
    out.push({ path: rel, data, mode: c.mode });
  }
  return out;
}

/**
 * Writes the configMap/secret volumes of a TaskRun's pod into `<volumesDir>/<name>` (where steps'
 * volumeMounts bind them). Returns why the pod could not start (a missing object that is not optional:
 * Kubernetes keeps the pod in ContainerCreating; here the run fails at once), or undefined.
 */
export async function writeObjectVolumes(volumesDir: string, volumes: readonly Volume[], objects: readonly ResourceDoc[] | undefined): Promise<string | undefined> {
  for (const v of volumes) {
    const src = sourceOf(v);
    if (!src) continue;
    const keys = objectKeys(objects, src.kind, src.name);
    const dir = join(volumesDir, v.name);
    await mkdir(dir, { recursive: true });
    if (!keys) {
      if (src.optional) continue;
      return `volume "${v.name}": ${src.kind} "${src.name}" is not in the files given with -f`;
    }
    const files = filesOf(src, keys);
    if (typeof files === 'string') return `volume "${v.name}": ${files}`;
    for (const f of files) {
      const path = join(dir, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data, { mode: f.mode & 0o777 });
    }
  }
  return undefined;
}

/** `valueFrom.configMapKeyRef` / `secretKeyRef`: the value, or undefined when the object or key is absent. */
export function keyRefValue(objects: readonly ResourceDoc[] | undefined, kind: ObjectKind, ref: { name: string; key: string }): string | undefined {
  return objectKeys(objects, kind, ref.name)?.get(ref.key)?.toString('utf8');
}

/** `envFrom`: each source's keys (with its prefix), in order, later sources winning; missing sources listed. */
export function envFromValues(objects: readonly ResourceDoc[] | undefined, envFrom: readonly { secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean }; prefix?: string }[]): { env: Record<string, string>; missing: string[] } {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const e of envFrom) {
    const ref = e.secretRef ?? e.configMapRef;
    if (!ref) continue;
    const kind: ObjectKind = e.secretRef ? 'Secret' : 'ConfigMap';
    const keys = objectKeys(objects, kind, ref.name);
    if (!keys) {
      if (!ref.optional) missing.push(`${kind} "${ref.name}"`);
      continue;
    }
    for (const [k, v] of keys) env[`${e.prefix ?? ''}${k}`] = v.toString('utf8');
  }
  return { env, missing };
}
