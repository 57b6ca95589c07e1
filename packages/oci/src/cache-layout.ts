/**
 * The image cache shared by all runs: `$PLUMBING_CACHE/oci` (else ~/.cache/plumbing/oci).
 *   blobs/sha256/<hex>            content-addressed blobs (manifests, configs, layers), verified
 *   images/sha256-<hex>/rootfs    an unpacked root filesystem, keyed by its manifest's digest
 *   images/sha256-<hex>/image.json   references, config, layers, size, unpack notes
 *   images/sha256-<hex>/last-used    its mtime is when a run last used the image
 *   refs/<registry>/<repo>/<tag>  the manifest digest a tag resolved to last (for --images local)
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.PLUMBING_CACHE || join(env.HOME || homedir(), '.cache', 'plumbing'), 'oci');
}

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

export function blobPath(cache: string, digest: string): string {
  return join(cache, 'blobs', 'sha256', hex(digest));
}

export function imageDir(cache: string, manifestDigest: string): string {
  return join(cache, 'images', `sha256-${hex(manifestDigest)}`);
}

export function refPath(cache: string, registry: string, repository: string, tag: string): string {
  return join(cache, 'refs', registry.replace(/:/g, '_'), ...repository.split('/'), tag);
}
