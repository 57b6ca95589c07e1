// Pushes images over the distribution protocol (monolithic blob uploads, manifest PUT): the tests'
// own writer, independent of the puller under test.
import type { BuiltLayer } from './layer.js';
import { sha256 } from './layer.js';

export interface ImageConfigInput {
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  User?: string;
}

export interface PushImageOptions {
  /** `http://127.0.0.1:PORT` of the registry. */
  registry: string;
  repository: string;
  /** Tag to push under; omitted: pushed by digest only (for index children). */
  tag?: string;
  layers: readonly BuiltLayer[];
  config?: ImageConfigInput;
  os?: string;
  architecture?: string;
  /** `docker` pushes Docker v2 schema 2 media types; default OCI. */
  format?: 'oci' | 'docker';
}

export interface PushedImage {
  digest: string;
  size: number;
  manifest: Buffer;
  configDigest: string;
}

async function ensureBlob(registry: string, repository: string, blob: Buffer, digest: string): Promise<void> {
  const head = await fetch(`${registry}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  if (head.ok) return;
  const start = await fetch(`${registry}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`starting an upload to ${repository}: HTTP ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location') ?? '', registry);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: new Uint8Array(blob), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`uploading ${digest} to ${repository}: HTTP ${put.status} ${await put.text()}`);
}

async function putManifest(registry: string, repository: string, reference: string, body: Buffer, mediaType: string): Promise<void> {
  const res = await fetch(`${registry}/v2/${repository}/manifests/${reference}`, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': mediaType } });
  if (res.status !== 201) throw new Error(`putting manifest ${repository}:${reference}: HTTP ${res.status} ${await res.text()}`);
}

/** Pushes layers, a config and a manifest; returns the manifest's digest. */
export async function pushImage(o: PushImageOptions): Promise<PushedImage> {
  const docker = o.format === 'docker';
  const config = Buffer.from(
    JSON.stringify({
      architecture: o.architecture ?? 'amd64',
      os: o.os ?? 'linux',
      config: o.config ?? {},
      rootfs: { type: 'layers', diff_ids: o.layers.map((l) => l.diffId) },
    }),
  );
  const configDigest = sha256(config);
  await ensureBlob(o.registry, o.repository, config, configDigest);
  for (const l of o.layers) await ensureBlob(o.registry, o.repository, l.blob, l.digest);
  const mediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: o.layers.map((l) => ({
        mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : l.mediaType,
        digest: l.digest,
        size: l.blob.length,
      })),
    }),
  );
  const digest = sha256(manifest);
  await putManifest(o.registry, o.repository, o.tag ?? digest, manifest, mediaType);
  return { digest, size: manifest.length, manifest, configDigest };
}

/** Pushes an OCI image index over already pushed manifests (`platform` per child). */
export async function pushIndex(
  registry: string,
  repository: string,
  tag: string,
  children: readonly { image: PushedImage; os: string; architecture: string; variant?: string }[],
): Promise<string> {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((c) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: c.image.digest,
        size: c.image.size,
        platform: { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) },
      })),
    }),
  );
  await putManifest(registry, repository, tag, index, mediaType);
  return sha256(index);
}
