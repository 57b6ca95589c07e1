// Image layers made by tests: tar archives written with tar-stream (the same library the puller
// reads them with is not used here: tests build their layers independently), compressed with
// gzip (zlib) or zstd (Debian's `zstd` command).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface LayerEntry {
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Target of a symlink or hard link. */
  linkname?: string;
}

/** An uncompressed tar of the entries, in order. */
export function tarLayer(entries: readonly LayerEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<Buffer>((resolve, reject) => {
    p.on('end', () => resolve(Buffer.concat(chunks)));
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? (e.content !== undefined ? 'file' : 'directory');
    const header = {
      name: e.path,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: new Date(0),
      ...(e.linkname === undefined ? {} : { linkname: e.linkname }),
      ...(type === 'character-device' || type === 'block-device' ? { devmajor: 1, devminor: 3 } : {}),
    };
    if (type === 'file') p.entry(header, typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)));
    else p.entry(header);
  }
  p.finalize();
  return done;
}

export type LayerCompression = 'gzip' | 'zstd';

export interface BuiltLayer {
  /** The compressed blob. */
  blob: Buffer;
  digest: string;
  mediaType: string;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids). */
  diffId: string;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Compresses a tar as an OCI layer blob. zstd needs Debian's `zstd` on PATH. */
export function compressLayer(tar: Buffer, compression: LayerCompression = 'gzip'): BuiltLayer {
  let blob: Buffer;
  if (compression === 'gzip') blob = gzipSync(tar);
  else {
    const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`zstd failed (is Debian's zstd installed?): ${r.stderr?.toString() ?? r.error?.message}`);
    blob = r.stdout;
  }
  const mediaType = compression === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar+zstd';
  return { blob, digest: sha256(blob), mediaType, diffId: sha256(tar) };
}
