/**
 * The cached images: list them, and prune what no recent run used (a plan first, then applied).
 * Blobs no remaining image needs go with them.
 */
import { chmod, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, imageDir } from './cache-layout.js';
import { type ImageRecord, readImageRecord } from './image-record.js';

export interface CachedImage {
  references: string[];
  manifestDigest: string;
  platform: string;
  /** Compressed size of the layers (bytes). */
  size: number;
  pulledAt: string;
  lastUsed: string;
  /** Host path of the image's cache directory. */
  path: string;
}

/** Every unpacked image in the cache, most recently used first. */
export async function listImages(cache: string): Promise<CachedImage[]> {
  let names: string[];
  try {
    names = await readdir(join(cache, 'images'));
  } catch {
    return [];
  }
  const out: CachedImage[] = [];
  for (const name of names) {
    if (!/^sha256-[a-f0-9]{64}$/.test(name)) continue;
    const digest = `sha256:${name.slice(7)}`;
    const record = await readImageRecord(cache, digest);
    if (!record) continue;
    const dir = imageDir(cache, digest);
    const used = await stat(join(dir, 'last-used')).then(
      (s) => s.mtime.toISOString(),
      () => record.pulledAt,
    );
    out.push({ references: record.references, manifestDigest: digest, platform: record.platform, size: record.size, pulledAt: record.pulledAt, lastUsed: used, path: dir });
  }
  return out.sort((a, b) => b.lastUsed.localeCompare(a.lastUsed));
}

export interface PrunePlan {
  /** Images last used before `before`. */
  images: CachedImage[];
  /** Blob digests no kept image needs. */
  blobs: string[];
  before: string;
}

function needed(record: ImageRecord): string[] {
  return [record.manifestDigest, ...(record.configDigest ? [record.configDigest] : []), ...record.layers.map((l) => l.digest)];
}

/** What `images prune` would remove: images not used since `before`, and blobs only they needed. */
export async function planPrune(cache: string, before: Date): Promise<PrunePlan> {
  const all = await listImages(cache);
  const images = all.filter((i) => new Date(i.lastUsed) < before);
  const keep = new Set<string>();
  for (const i of all) {
    if (images.includes(i)) continue;
    const record = await readImageRecord(cache, i.manifestDigest);
    if (record) for (const d of needed(record)) keep.add(d);
  }
  let blobNames: string[] = [];
  try {
    blobNames = await readdir(join(cache, 'blobs', 'sha256'));
  } catch {
    blobNames = [];
  }
  const blobs = blobNames.filter((n) => /^[a-f0-9]{64}$/.test(n) && !keep.has(`sha256:${n}`)).map((n) => `sha256:${n}`);
  return { images, blobs, before: before.toISOString() };
}

/** Removes a tree even where the image made directories read-only. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES' && (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (e.isDirectory()) await chmod(join(e.parentPath, e.name), 0o700);
    }
    await chmod(dir, 0o700);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Applies a prune plan; returns the bytes of blobs freed. */
export async function applyPrune(cache: string, plan: PrunePlan): Promise<number> {
  for (const image of plan.images) await removeTree(image.path);
  let freed = 0;
  for (const d of plan.blobs) {
    const path = blobPath(cache, d);
    freed += await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    await rm(path, { force: true });
  }
  await pruneRefs(join(cache, 'refs'), cache);
  return freed;
}

/** Tag records pointing at images no longer there. */
async function pruneRefs(dir: string, cache: string): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const digest = (await readFile(path, 'utf8')).trim();
    if (!(await readImageRecord(cache, digest))) await rm(path, { force: true });
  }
}
