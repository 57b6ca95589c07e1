import { bucketStep } from './bucket.js';
import type { StepFactory } from './types.js';

/** When this release is the latest: the bucket's latest/ copies of each artifact (replaced, unlike a version's objects). */
export const latestSteps: StepFactory = (s) => (s.latestPrefix ? s.artifacts.map((a) => bucketStep(`latest:${a.name}`, s.latestPrefix!, a, { ...s, pipelineUploads: false }, 'latest')) : []);
