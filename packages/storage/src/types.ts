import { createHash } from 'node:crypto';

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
  exists(key: string): Promise<boolean>;
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, data: Buffer | string): Promise<void>;
  /** The names directly under a prefix (`demo/nightly` → the nightly versions), sorted; [] when there is none. */
  list(prefix: string): Promise<string[]>;
  /** Deletes one object; false when it was not there. */
  delete(key: string): Promise<boolean>;
  /** Where a person can read the object (a file path, or an https URL for gs:// and s3://). */
  link(key: string): string;
}
