/**
 * Pulling an image into the cache: resolve the reference to a manifest (choosing the platform in
 * an index), fetch config and layers into the blob store (verified), and unpack the layers in
 * order into a root filesystem keyed by the manifest digest: once, under a lock, into a scratch
 * directory renamed into place. Layers download in parallel while earlier ones unpack.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { fetchBlob } from './blob-store.js';
import { blobPath, defaultCacheDir, imageDir, refPath } from './cache-layout.js';
import { type CredentialStore, loadCredentials } from './credentials.js';
import { type ImageRecord, readImageRecord, touchImage } from './image-record.js';
import { removeTree } from './images.js';
import { acquireLock } from '@plumbing/lockfile';
import { type ImageConfig, type ImageManifest, layerCompression, parseManifest, selectPlatform } from './manifest.js';
import { formatPlatform, hostPlatform, type Platform } from './platform.js';
import { formatReference, type ImageReference, parseReference } from './reference.js';
import { NO_REGISTRY_SETTINGS, RegistryClient, type RegistrySettings } from './registry-client.js';
import { keepsOwners } from './owners.js';
import { applyLayer, finishUnpack, newUnpackState } from './unpack.js';

export interface PullOptions {
  /** Cache directory (default: $PLUMBING_CACHE/oci, else ~/.cache/plumbing/oci). */
  cache?: string;
  platform?: Platform;
  settings?: RegistrySettings;
  /** Default: loadCredentials() (the user's Docker config). */
  credentials?: CredentialStore;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** A pulled image, ready to run. */
export interface PulledImage extends ImageRecord {
  /** Host path of the unpacked root filesystem. */
  rootfs: string;
  /** Whether it was already in the cache. */
  cached: boolean;
}

function pulled(cache: string, record: ImageRecord, cached: boolean): PulledImage {
  return { ...record, rootfs: join(imageDir(cache, record.manifestDigest), 'rootfs'), cached };
}

/** Resolves the reference to one image manifest (through an index when there is one). */
async function resolveManifest(client: RegistryClient, cache: string, ref: ImageReference, platform: Platform) {
  const where = formatReference(ref);
  let fetched = await client.manifest(ref, ref.digest ?? ref.tag ?? 'latest');
  let parsed = parseManifest(fetched.body, fetched.contentType, where);
  await storeBlob(cache, fetched.digest, fetched.body);
  if (parsed.kind === 'index') {
    const child = selectPlatform(parsed, platform, where);
    fetched = await client.manifest(ref, child.digest);
    parsed = parseManifest(fetched.body, fetched.contentType, `${where} (${formatPlatform(platform)})`);
    await storeBlob(cache, fetched.digest, fetched.body);
    if (parsed.kind !== 'manifest') throw new PlumbingError('OCI_MANIFEST_INVALID', `${where}: an index entry is itself an index`);
  }
  return { manifest: parsed, digest: fetched.digest, host: fetched.host };
}

async function storeBlob(cache: string, digest: string, body: Buffer): Promise<void> {
  const path = blobPath(cache, digest);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, body);
  await rename(tmp, path);
}

/** A cached image unpacked without owners is unpacked again (from its cached blobs) by a process that keeps them. */
function ownersAsWanted(record: ImageRecord | undefined): ImageRecord | undefined {
  return record && (record.owners === true || !keepsOwners()) ? record : undefined;
}

/** Pulls (or finds in the cache) an image for this machine's platform or `opts.platform`. */
export async function pullImage(reference: string, opts: PullOptions = {}): Promise<PulledImage> {
  const cache = opts.cache ?? defaultCacheDir();
  const ref = parseReference(reference);
  const platform = opts.platform ?? hostPlatform();
  const client = new RegistryClient(opts.settings ?? NO_REGISTRY_SETTINGS, opts.credentials ?? loadCredentials());
  const { manifest, digest, host } = await resolveManifest(client, cache, ref, platform);
  const name = formatReference(ref);
  if (ref.tag !== undefined && ref.digest === undefined) await writeRef(cache, ref, digest);
  const found = ownersAsWanted(await readImageRecord(cache, digest));
  if (found) return pulled(cache, await touchImage(cache, found, name), true);

  const dir = imageDir(cache, digest);
  await mkdir(dirname(dir), { recursive: true });
  const release = await acquireLock(`${dir}.lock`, { pollMs: 100, onWait: (o) => opts.log?.(`waiting for another pull of ${name} (pid ${o?.pid ?? '?'})`) });
  try {
    const again = ownersAsWanted(await readImageRecord(cache, digest));
    if (again) return pulled(cache, await touchImage(cache, again, name), true);
    opts.log?.(`pulling ${name} from ${host} (${manifest.layers.length} layers)`);
    const record = await fetchAndUnpack(client, cache, ref, manifest, digest, platform);
    return pulled(cache, record, false);
  } finally {
    await release();
  }
}

async function fetchAndUnpack(client: RegistryClient, cache: string, ref: ImageReference, manifest: ImageManifest, digest: string, platform: Platform): Promise<ImageRecord> {
  const name = formatReference(ref);
  const configFile = await fetchBlob(cache, client, ref, manifest.config);
  const config = JSON.parse(await readFile(configFile, 'utf8')) as ImageConfig;
  const compressions = manifest.layers.map((l) => layerCompression(l.mediaType));
  const dir = imageDir(cache, digest);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'rootfs'), { recursive: true });
  try {
    const downloads = limitedAll(
      manifest.layers.map((l) => () => fetchBlob(cache, client, ref, l)),
      3,
    );
    const state = newUnpackState(join(tmp, 'rootfs'), keepsOwners());
    for (const [i, layer] of manifest.layers.entries()) {
      const file = await (downloads[i] as Promise<string>);
      await applyLayer(state, file, compressions[i] ?? 'gzip', `layer ${i + 1}/${manifest.layers.length} (${layer.digest}) of ${name}`);
    }
    await Promise.all(downloads);
    finishUnpack(state);
    const record: ImageRecord = {
      manifestDigest: digest,
      references: [name],
      platform: formatPlatform(platform),
      configDigest: manifest.config.digest,
      config: config.config ?? {},
      layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
      size: manifest.layers.reduce((n, l) => n + l.size, 0),
      pulledAt: new Date().toISOString(),
      notes: state.notes,
      owners: state.owners,
    };
    await writeFile(join(tmp, 'image.json'), `${JSON.stringify(record, null, 2)}\n`);
    await writeFile(join(tmp, 'last-used'), '');
    await removeTree(dir);
    await rename(tmp, dir);
    return record;
  } catch (err) {
    await removeTree(tmp);
    throw err;
  }
}

/** Starts the tasks with at most `limit` running; returns their promises in order. */
function limitedAll<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T>[] {
  let running = 0;
  const queue: (() => void)[] = [];
  return tasks.map(
    (task) =>
      new Promise<T>((resolve, reject) => {
        const start = (): void => {
          running++;
          task()
            .then(resolve, reject)
            .finally(() => {
              running--;
              queue.shift()?.();
            });
        };
        if (running < limit) start();
        else queue.push(start);
      }),
  );
}

async function writeRef(cache: string, ref: ImageReference, digest: string): Promise<void> {
  const path = refPath(cache, ref.registry, ref.repository, ref.tag ?? 'latest');
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, digest);
  await rename(tmp, path);
}

/** An image already in the cache (no network): by digest, or by the digest its tag last resolved to. */
export async function localImage(reference: string, cache: string = defaultCacheDir()): Promise<PulledImage | undefined> {
  const ref = parseReference(reference);
  let digest = ref.digest;
  if (digest === undefined) {
    try {
      digest = (await readFile(refPath(cache, ref.registry, ref.repository, ref.tag ?? 'latest'), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }
  const record = await readImageRecord(cache, digest);
  return record ? pulled(cache, await touchImage(cache, record, formatReference(ref)), true) : undefined;
}
