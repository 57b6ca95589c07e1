import { PlumbingError } from '@plumbing/model';
import type { Bucket } from './types.js';

/**
 * A gs:// or s3:// bucket as this process sees it: it has links, but no reads or writes. The
 * release pipeline writes these buckets on the cluster (with the cloud CLIs in its task image,
 * credentials from a Secret or the pod's workload identity); nothing here holds cloud credentials.
 */
export function remoteBucket(url: string, scheme: 's3' | 'gs', name: string, prefix: string): Bucket {
  const full = (key: string) => (prefix ? `${prefix}/${key}` : key);
  const no = (): never => {
    throw new PlumbingError('BUCKET', `${scheme}:// buckets are written by the release pipeline, not from this process`, {
      hint: `use --backend cluster (the pipeline uploads to ${url}), or a file:// bucket for a local release`,
    });
  };
  return {
    url,
    reachable: false,
    stat: async () => no(),
    exists: async () => no(),
    get: async () => no(),
    put: async () => no(),
    list: async () => no(),
    delete: async () => no(),
    link: (key) => (scheme === 'gs' ? `https://storage.googleapis.com/${name}/${full(key)}` : `https://${name}.s3.amazonaws.com/${full(key)}`),
  };
}
