// vitest globalSetup: builds kustomize-render once (minutes on a fresh machine), outside every
// test's timeout, for the check tests over kustomizations.
import { ensureRenderer } from '@plumbing/kustomize';

export async function setup(): Promise<void> {
  await ensureRenderer();
}
