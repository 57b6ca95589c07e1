// vitest globalSetup: builds kustomize-render once (minutes on a fresh machine) before any test,
// so the first build is outside every test's timeout.
import { ensureRenderer } from '../src/build.js';

export async function setup(): Promise<void> {
  await ensureRenderer();
}
