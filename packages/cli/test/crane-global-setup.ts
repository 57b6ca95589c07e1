// vitest globalSetup: builds crane once (minutes on a fresh machine) before any test starts its registry.
import { ensureCrane } from '@plumbing/test-utils';

export async function setup(): Promise<void> {
  await ensureCrane();
}
