import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { PlumbingError } from '@plumbing/model';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export interface BucketObject {
  size: number;
  sha256: string;
}

/** The one port to object storage. Keys are `/`-separated, relative to the bucket URL. */
export interface Bucket {
  readonly url: string;
  /** Whether this process can read and write it (file:// here; s3:// and gs:// only through the cluster backend). */
  readonly reachable: boolean;
  stat(key: string): Promise<BucketObject | undefined>;
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, data: Buffer | string): Promise<void>;
  /** The names directly under a prefix (`demo/nightly` → the nightly versions), sorted; [] when there is none. */
  list(prefix: string): Promise<string[]>;
  /** Where a person can read the object (a file path, or an https URL for gs:// and s3://). */
  link(key: string): string;
}

/** Which bucket a URL names, relative file:// paths resolved against the repository root. */
export function openBucket(url: string, root: string): Bucket {
  if (url.startsWith('file://')) return fileBucket(url, root);
  const m = /^(s3|gs):\/\/([^/]+)(\/.*)?$/.exec(url);
  if (!m) throw new PlumbingError('BUCKET', `unsupported bucket URL ${url}`, { hint: 'use file://, s3:// or gs://' });
  return remoteBucket(url, m[1] as 's3' | 'gs', m[2]!, (m[3] ?? '').replace(/^\/|\/$/g, ''));
}

/** The directory of a file:// bucket: `file:///abs/dir`, or `file://rel/dir` relative to the repository root. Undefined for other schemes. */
export function fileBucketDir(url: string, root: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  const p = decodeURIComponent(url.slice('file://'.length));
  return isAbsolute(p) ? p : resolve(root, p);
}

function fileBucket(url: string, root: string): Bucket {
  const base = fileBucketDir(url, root)!;
  const path = (key: string) => {
    if (key.split('/').includes('..')) throw new PlumbingError('BUCKET', `bad object key ${key}`);
    return join(base, ...key.split('/'));
  };
  const wrap = (what: string, key: string) => (e: unknown) => {
    throw new PlumbingError('BUCKET', `bucket ${what} ${key}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, hint: `check that ${base} is writable, then re-run` });
  };
  return {
    url,
    reachable: true,
    async stat(key) {
      const b = await this.get(key);
      return b ? { size: b.length, sha256: sha256(b) } : undefined;
    },
    async get(key) {
      try {
        return await readFile(path(key));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        return wrap('read', key)(e);
      }
    },
    async put(key, data) {
      const target = path(key);
      const tmp = `${target}.tmp-${process.pid}`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(tmp, data);
        await rename(tmp, target);
      } catch (e) {
        wrap('write', key)(e);
      }
    },
    async list(prefix) {
      try {
        return (await readdir(path(prefix))).filter((n) => !n.includes('.tmp-')).sort();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return [];
        return wrap('list', prefix)(e);
      }
    },
    link(key) {
      return path(key);
    },
  };
}

function remoteBucket(url: string, scheme: 's3' | 'gs', name: string, prefix: string): Bucket {
  const full = (key: string) => (prefix ? `${prefix}/${key}` : key);
  const no = () => {
    throw new PlumbingError('BUCKET', `${scheme}:// buckets are written by the release pipeline, not from this process`, {
      hint: `use --backend cluster (the pipeline uploads to ${url}), or a file:// bucket for a local release`,
    });
  };
  return {
    url,
    reachable: false,
    stat: async () => no(),
    get: async () => no(),
    put: async () => no(),
    list: async () => no(),
    link: (key) => (scheme === 'gs' ? `https://storage.googleapis.com/${name}/${full(key)}` : `https://${name}.s3.amazonaws.com/${full(key)}`),
  };
}
