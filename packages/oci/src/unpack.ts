/**
 * Applies image layers to a root filesystem, as overlay/containerd do: whiteouts (`.wh.<name>`
 * removes a lower file) and opaque directories (`.wh..wh..opq` hides a lower directory's content)
 * apply to lower layers only; hard links; symlinks kept as written and never followed out of the
 * rootfs; permission bits; device files and FIFOs skipped with a note. Owners: as root, each entry's
 * uid/gid (lchown, before the mode, which a chown would strip of setuid bits); otherwise files are
 * owned by whoever unpacks (the step's user is mapped onto that owner when it runs: owners.ts).
 *
 * tar-stream parses the archives (a streaming parser and nothing else): node-tar's extractor
 * refuses to write through a symlinked directory, which images need (`/lib -> usr/lib`), and has
 * no whiteouts, so the writing is ours. gzip is zlib's; zstd is fzstd's (pure JS: Node 20's zlib
 * has no zstd, and no host `zstd` command is needed).
 */
import { chmodSync, closeSync, fchmodSync, fchownSync, lchownSync, futimesSync, linkSync, mkdirSync, openSync, readdirSync, rmSync, symlinkSync, utimesSync, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { PlumbingError } from '@plumbing/model';
import { extract, type Header as Headers } from 'tar-stream';
import type { LayerCompression } from './manifest.js';
import { lstatOrUndefined, RootPaths } from './root-path.js';

export interface UnpackState {
  readonly paths: RootPaths;
  /** Directory modes and mtimes, applied after the last layer (so that unpacking can write into them). */
  readonly dirs: Map<string, { mode: number; mtime: Date }>;
  /** What was skipped and why, e.g. `/dev/null: device file skipped`. */
  readonly notes: string[];
  /** Keep the entries' uid/gid (needs root). */
  readonly owners: boolean;
}

export function newUnpackState(root: string, owners = false): UnpackState {
  return { paths: new RootPaths(root), dirs: new Map(), notes: [], owners };
}

/** A zstd decompressing stream over fzstd. */
function zstdStream(): Transform {
  let t: Transform;
  const d = new Decompress((chunk) => {
    t.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        d.push(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  return t;
}

function decompressed(file: string, compression: LayerCompression): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (compression === 'gzip') return raw.pipe(createGunzip({ chunkSize: 1 << 18 }));
  if (compression === 'zstd') return raw.pipe(zstdStream());
  return raw;
}

/** `./a/b/`, `/a/b` → `a/b`; undefined for the root itself; throws on paths escaping with `..`. */
export function entryPath(name: string): string | undefined {
  const p = posix.normalize(name.replace(/^\/+/, '') || '.').replace(/\/$/, '');
  if (p === '' || p === '.') return undefined;
  if (p.startsWith('../') || p === '..') throw new PlumbingError('OCI_LAYER_INVALID', `layer entry "${name}" points outside the image`);
  return p;
}

const UMASK = process.umask();

/**
 * Creates a file that did not exist (O_EXCL never follows a symlink); whatever a lower layer had
 * there is removed first. Trying first saves a stat per file in the common case.
 */
function createExclusive(state: UnpackState, host: string, mode: number): number {
  try {
    return openSync(host, 'wx', mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  clear(state, host);
  return openSync(host, 'wx', mode);
}

/** Removes whatever is at `host` (never following a symlink); forgets resolutions if it was a directory. */
function clear(state: UnpackState, host: string): void {
  const st = lstatOrUndefined(host);
  if (!st) return;
  if (st.isDirectory()) {
    rmSync(host, { recursive: true, force: true });
    state.paths.forget();
  } else rmSync(host, { force: true });
}

/** Applies one layer blob on top of the rootfs in `state`. `where` names the layer in errors. */
export async function applyLayer(state: UnpackState, file: string, compression: LayerCompression, where: string): Promise<void> {
  const created = new Set<string>();
  const ex = extract();
  const input = decompressed(file, compression);
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex);
  try {
    for await (const entry of ex) {
      const rel = entryPath(entry.header.name);
      if (rel === undefined || !(await applyEntry(state, rel, entry.header, entry as AsyncIterable<Buffer>, created))) entry.resume();
    }
  } catch (err) {
    if (err instanceof PlumbingError) throw new PlumbingError(err.code, `${where}: ${err.message}`, { cause: err });
    throw new PlumbingError('OCI_LAYER_INVALID', `${where}: cannot unpack: ${(err as Error).message}`, { cause: err });
  }
}

/** One entry; returns false when its data was not consumed (the caller drains it). */
async function applyEntry(state: UnpackState, rel: string, h: Headers, data: AsyncIterable<Buffer>, created: Set<string>): Promise<boolean> {
  const parentRel = dirname(rel) === '.' ? '' : dirname(rel);
  const name = basename(rel);
  if (name.startsWith('.wh.')) {
    whiteout(state, parentRel, name, created);
    return false;
  }
  const parent = state.paths.dir(parentRel) as string;
  const host = join(parent, name);
  const mode = (h.mode ?? 0o644) & 0o7777;
  const mtime = h.mtime ?? new Date(0);
  switch (h.type) {
    case 'directory': {
      const st = lstatOrUndefined(host);
      if (!st?.isDirectory()) {
        clear(state, host);
        mkdirSync(host, { mode: 0o755 });
      }
      if (state.owners) lchownSync(host, h.uid ?? 0, h.gid ?? 0);
      state.dirs.set(host, { mode, mtime });
      break;
    }
    case 'file':
    case 'contiguous-file':
    case null:
    case undefined: {
      const fd = createExclusive(state, host, mode);
      try {
        for await (const chunk of data) writeSync(fd, chunk);
        if (state.owners) fchownSync(fd, h.uid ?? 0, h.gid ?? 0);
        if (mode & UMASK || (state.owners && mode & 0o6000)) fchmodSync(fd, mode);
        futimesSync(fd, mtime, mtime);
      } finally {
        closeSync(fd);
      }
      created.add(rel);
      return true;
    }
    case 'symlink':
      clear(state, host);
      symlinkSync(h.linkname ?? '', host);
      if (state.owners) lchownSync(host, h.uid ?? 0, h.gid ?? 0);
      state.paths.forget();
      break;
    case 'link': {
      const target = entryPath(h.linkname ?? '');
      const targetDir = target === undefined ? undefined : state.paths.dir(dirname(target) === '.' ? '' : dirname(target), false);
      const source = target === undefined || targetDir === undefined ? undefined : join(targetDir, basename(target));
      if (source === undefined || !lstatOrUndefined(source)) throw new PlumbingError('OCI_LAYER_INVALID', `hard link /${rel} points to /${h.linkname ?? ''}, which is not in the image`);
      if (source !== host) {
        clear(state, host);
        linkSync(source, host);
      }
      break;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      state.notes.push(`/${rel}: ${h.type} skipped (an unprivileged unpack cannot create it; the sandbox provides /dev)`);
      return false;
    default:
      state.notes.push(`/${rel}: tar entry of type ${h.type} skipped`);
      return false;
  }
  created.add(rel);
  return false;
}

function whiteout(state: UnpackState, parentRel: string, name: string, created: ReadonlySet<string>): void {
  const dir = state.paths.dir(parentRel, false);
  if (dir === undefined) return;
  if (name === '.wh..wh..opq') {
    removeLower(state, dir, parentRel, created);
    return;
  }
  const rel = parentRel ? `${parentRel}/${name.slice(4)}` : name.slice(4);
  if (!created.has(rel)) clear(state, join(dir, name.slice(4)));
}

/** An opaque directory: everything from lower layers goes, what this layer put there stays. */
function removeLower(state: UnpackState, dir: string, rel: string, created: ReadonlySet<string>): void {
  for (const child of readdirSync(dir, { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${child.name}` : child.name;
    if (!created.has(childRel)) clear(state, join(dir, child.name));
    else if (child.isDirectory()) removeLower(state, join(dir, child.name), childRel, created);
  }
}

/** After the last layer: directory modes and mtimes, deepest first. */
export function finishUnpack(state: UnpackState): void {
  const dirs = [...state.dirs.entries()].sort((a, b) => b[0].length - a[0].length);
  for (const [host, { mode, mtime }] of dirs) {
    if (!lstatOrUndefined(host)?.isDirectory()) continue;
    utimesSync(host, mtime, mtime);
    chmodSync(host, mode);
  }
}
