import { isAbsolute, resolve } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { fileBucket } from './file-bucket.js';
import { remoteBucket } from './remote-bucket.js';
import type { Bucket } from './types.js';

/** Which bucket a URL names, relative file:// paths resolved against `root` (the repository). */
export function openBucket(url: string, root: string): Bucket {
  if (url.startsWith('file://')) return fileBucket(url, fileBucketDir(url, root)!);
  const m = /^(s3|gs):\/\/([^/]+)(\/.*)?$/.exec(url);
  if (!m) throw new PlumbingError('BUCKET', `unsupported bucket URL ${url}`, { hint: 'use file://, s3:// or gs://' });
  return remoteBucket(url, m[1] as 's3' | 'gs', m[2]!, (m[3] ?? '').replace(/^\/|\/$/g, ''));
}

/** The directory of a file:// bucket: `file:///abs/dir`, or `file://rel/dir` relative to `root`. Undefined for other schemes. */
export function fileBucketDir(url: string, root: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  const p = decodeURIComponent(url.slice('file://'.length));
  return isAbsolute(p) ? p : resolve(root, p);
}
