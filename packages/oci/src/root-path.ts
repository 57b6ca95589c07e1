/**
 * Paths inside an image's root filesystem being unpacked, resolved as the container would see
 * them: symlinks are followed relative to the rootfs (an absolute target starts at the rootfs,
 * `..` stops at it), so a layer can write through `/lib -> usr/lib` but never out of the rootfs.
 * Directory resolutions are memoized per layer entry path; removing a directory clears the memo.
 */
import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';

const MAX_HOPS = 40;

export class RootPaths {
  private readonly memo = new Map<string, string>();

  constructor(readonly root: string) {}

  /** Forget memoized resolutions (after a directory or symlink was removed or replaced). */
  forget(): void {
    this.memo.clear();
  }

  /**
   * The host path of directory `rel` (a normalized relative path, '' for the root), following
   * symlinks inside the rootfs. Missing directories are created (create) or give undefined.
   */
  dir(rel: string, create = true): string | undefined {
    if (rel === '') return this.root;
    const hit = this.memo.get(rel);
    if (hit !== undefined) return hit;
    const resolved = this.walk(rel.split('/'), create);
    if (resolved !== undefined) this.memo.set(rel, resolved);
    return resolved;
  }

  /** Walks components from the root; symlinks restart the walk with their target. */
  private walk(input: string[], create: boolean): string | undefined {
    const cur: string[] = [];
    const todo = [...input];
    let hops = 0;
    while (todo.length > 0) {
      const comp = todo.shift() as string;
      if (comp === '' || comp === '.') continue;
      if (comp === '..') {
        cur.pop();
        continue;
      }
      const host = join(this.root, ...cur, comp);
      const st = lstatOrUndefined(host);
      if (st === undefined) {
        if (!create) return undefined;
        mkdirSync(host, { mode: 0o755 });
        cur.push(comp);
      } else if (st.isDirectory()) {
        cur.push(comp);
      } else if (st.isSymbolicLink()) {
        if (++hops > MAX_HOPS) throw new PlumbingError('OCI_LAYER_INVALID', `too many symlinks resolving /${input.join('/')} in the image`);
        const target = readlinkSync(host);
        if (target.startsWith('/')) cur.length = 0;
        todo.unshift(...target.split('/'));
      } else {
        throw new PlumbingError('OCI_LAYER_INVALID', `/${[...cur, comp].join('/')} is not a directory, but a layer puts files under it`);
      }
    }
    return join(this.root, ...cur);
  }
}

export function lstatOrUndefined(path: string): import('node:fs').Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
