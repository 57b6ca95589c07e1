import { assetSteps } from './asset.js';
import { bucketSteps } from './bucket.js';
import { latestSteps } from './latest.js';
import { publishStep } from './publish.js';
import { releaseStep } from './release.js';
import { releaseLookup } from './shared.js';
import { tagStep } from './tag.js';
import type { StepDef, StepFactory, StepsInput } from './types.js';
import { unlistedAssetsStep } from './unlisted-assets.js';

/**
 * The release steps, in the order they run (after the pipeline step). A new step is one file
 * exporting a StepFactory and one line here.
 */
export const RELEASE_STEPS: readonly StepFactory[] = [bucketSteps, tagStep, releaseStep, unlistedAssetsStep, assetSteps, publishStep, latestSteps];

/** The converge steps of one release, from the registry. */
export function buildSteps(s: StepsInput): StepDef[] {
  const release = releaseLookup(s.github, s.version);
  return RELEASE_STEPS.flatMap((factory) => factory(s, release));
}
