import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { type Bucket, sha256 } from './types.js';

const missing = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** A bucket in a directory: objects are files, writes are atomic (a temp file renamed). */
export function fileBucket(url: string, base: string): Bucket {
  const path = (key: string) => {
    if (key.split('/').includes('..')) throw new PlumbingError('BUCKET', `bad object key ${key}`);
    return join(base, ...key.split('/'));
  };
  const fail = (what: string, key: string, e: unknown): never => {
    throw new PlumbingError('BUCKET', `bucket ${what} ${key}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, hint: `check that ${base} is writable, then re-run` });
  };
  const get = async (key: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(path(key));
    } catch (e) {
      return missing(e) ? undefined : fail('read', key, e);
    }
  };
  return {
    url,
    reachable: true,
    get,
    async stat(key) {
      const b = await get(key);
      return b ? { size: b.length, sha256: sha256(b) } : undefined;
    },
    async exists(key) {
      return (await get(key)) !== undefined;
    },
    async put(key, data) {
      const target = path(key);
      const tmp = `${target}.tmp-${process.pid}`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(tmp, data);
        await rename(tmp, target);
      } catch (e) {
        fail('write', key, e);
      }
    },
    async list(prefix) {
      try {
        return (await readdir(path(prefix))).filter((n) => !n.includes('.tmp-')).sort();
      } catch (e) {
        return missing(e) ? [] : fail('list', prefix, e);
      }
    },
    async delete(key) {
      if ((await get(key)) === undefined) return false;
      try {
        await rm(path(key));
        return true;
      } catch (e) {
        return missing(e) ? false : fail('delete', key, e);
      }
    },
    link(key) {
      return path(key);
    },
  };
}
