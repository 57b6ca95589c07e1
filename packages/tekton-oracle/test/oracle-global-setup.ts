// vitest globalSetup: build (first run only) or find the oracle binary before any e2e file runs.
import { ensureOracle } from '@plumbing/tekton-oracle';

export async function setup(): Promise<void> {
  await ensureOracle();
}
