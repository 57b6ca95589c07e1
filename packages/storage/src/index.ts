export type { Bucket } from './types.js';
export { sha256 } from './types.js';
export { fileBucketDir, openBucket } from './bucket.js';
