/** The record kept next to each unpacked image (image.json) and its last-used stamp. */
import { readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageDir } from './cache-layout.js';
import type { ImageConfig } from './manifest.js';

export interface ImageRecord {
  manifestDigest: string;
  /** References that resolved to it, e.g. `docker.io/library/busybox:1.36`. */
  references: string[];
  platform: string;
  configDigest?: string;
  config: NonNullable<ImageConfig['config']>;
  layers: { digest: string; size: number; mediaType: string }[];
  /** Compressed size of its layers (bytes). */
  size: number;
  pulledAt: string;
  /** What the unpack skipped (device files ...). */
  notes: string[];
  /** True when the rootfs files carry the layers' uid/gid (unpacked as root; owners.ts). */
  owners?: boolean;
}

export async function readImageRecord(cache: string, manifestDigest: string): Promise<ImageRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(imageDir(cache, manifestDigest), 'image.json'), 'utf8')) as ImageRecord;
  } catch {
    return undefined;
  }
}

/** Marks the image used now and remembers a new reference to it. */
export async function touchImage(cache: string, record: ImageRecord, reference: string): Promise<ImageRecord> {
  const dir = imageDir(cache, record.manifestDigest);
  const now = new Date();
  await utimes(join(dir, 'last-used'), now, now).catch(() => writeFile(join(dir, 'last-used'), ''));
  if (record.references.includes(reference)) return record;
  const next = { ...record, references: [...record.references, reference] };
  const tmp = join(dir, `image.json.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(tmp, join(dir, 'image.json'));
  return next;
}
