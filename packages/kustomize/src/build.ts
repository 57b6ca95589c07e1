import { fileURLToPath } from 'node:url';
import { type EnsureGoProgramOptions, ensureGoProgram, type GoProgram, goProgramSourceHash } from '@plumbing/kube-testenv';

/** The Go module of the renderer, shipped with the package (go.mod, go.sum, *.go). */
export const RENDERER_GO_DIR = fileURLToPath(new URL('../go/', import.meta.url));

/** Options of ensureRenderer: env (PLUMBING_KUSTOMIZE_RENDER, PLUMBING_KUSTOMIZE_CACHE), cacheRoot, go, log. */
export type EnsureRendererOptions = EnsureGoProgramOptions;

const RENDERER: GoProgram = {
  name: 'kustomize-render',
  goDir: RENDERER_GO_DIR,
  binaryEnv: 'PLUMBING_KUSTOMIZE_RENDER',
  cacheEnv: 'PLUMBING_KUSTOMIZE_CACHE',
  codePrefix: 'KUSTOMIZE',
  what: 'the kustomize renderer',
  buildNote: "building kustomize's library for plumbing check (first run only: a few minutes on two cores)",
  goNeeded: '1.26 or newer',
};

/** The cache key of the renderer binary. */
export function rendererSourceHash(goVersion: string, dir = RENDERER_GO_DIR): Promise<string> {
  return goProgramSourceHash(goVersion, dir);
}

/**
 * Finds or builds the renderer: $PLUMBING_KUSTOMIZE_RENDER when set, else the cache
 * (~/.cache/plumbing/kustomize-render), else built once. Measured from an empty Go build cache:
 * 3.5 min wall (78 CPU-seconds) on two cores at load 4-19, modules downloaded from the proxy in
 * seconds. Throws KUSTOMIZE_GO_MISSING when there is no Go.
 */
export function ensureRenderer(opts: EnsureRendererOptions = {}): Promise<string> {
  return ensureGoProgram(RENDERER, opts);
}
