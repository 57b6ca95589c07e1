/** Downloads blobs into the content-addressed store, verifying size and sha256 as they stream. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PlumbingError } from '@plumbing/model';
import { blobPath } from './cache-layout.js';
import type { Descriptor } from './manifest.js';
import { formatReference, type ImageReference } from './reference.js';
import type { RegistryClient } from './registry-client.js';

export async function hasBlob(cache: string, d: Descriptor): Promise<boolean> {
  try {
    return (await stat(blobPath(cache, d.digest))).size === d.size;
  } catch {
    return false;
  }
}

/** Fetches one blob into the store (no-op when present); a digest or size mismatch is refused. */
export async function fetchBlob(cache: string, client: RegistryClient, ref: ImageReference, d: Descriptor): Promise<string> {
  const dest = blobPath(cache, d.digest);
  if (await hasBlob(cache, d)) return dest;
  if (!d.digest.startsWith('sha256:')) throw new PlumbingError('OCI_DIGEST_UNSUPPORTED', `${d.digest}: only sha256 digests are supported`);
  await mkdir(dirname(dest), { recursive: true });
  const { res, host } = await client.blob(ref, d.digest);
  const tmp = `${dest}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    if (!res.body) throw new PlumbingError('OCI_REGISTRY_ERROR', `registry ${host} sent no body for blob ${d.digest}`);
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(tmp));
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== d.digest || size !== d.size) {
      throw new PlumbingError(
        'OCI_DIGEST_MISMATCH',
        `blob ${d.digest} of ${formatReference(ref)} from ${host} is corrupt: got ${got} (${size} bytes, expected ${d.size}); refused`,
        { hint: 'the registry or a proxy altered the blob; pull again, or report it to the registry' },
      );
    }
    await rename(tmp, dest);
    return dest;
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof PlumbingError) throw err;
    throw new PlumbingError('OCI_REGISTRY_ERROR', `downloading blob ${d.digest} of ${formatReference(ref)} from ${host} failed: ${(err as Error).message}`, { cause: err });
  }
}
