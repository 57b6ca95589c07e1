import { fileURLToPath } from 'node:url';
import { type EnsureGoProgramOptions, ensureGoProgram, type GoProgram, goProgramSourceHash } from '@plumbing/kube-testenv';

/** The Go module of the oracle, shipped with the package (go.mod, go.sum, *.go). */
export const ORACLE_GO_DIR = fileURLToPath(new URL('../go/', import.meta.url));

/** Options of ensureOracle: env (PLUMBING_ORACLE_CACHE, PLUMBING_TEKTON_ORACLE), cacheRoot, go, log. */
export type EnsureOracleOptions = EnsureGoProgramOptions;

const ORACLE: GoProgram = {
  name: 'tekton-oracle',
  goDir: ORACLE_GO_DIR,
  binaryEnv: 'PLUMBING_TEKTON_ORACLE',
  cacheEnv: 'PLUMBING_ORACLE_CACHE',
  codePrefix: 'ORACLE',
  what: 'the Tekton oracle',
  buildNote: 'building the Tekton oracle (first run only: about 11 CPU-minutes, longer on busy cores)',
};

/** The cache key of the oracle binary (a new Tekton version in go.mod builds a new binary once). */
export function oracleSourceHash(goVersion: string, dir = ORACLE_GO_DIR): Promise<string> {
  return goProgramSourceHash(goVersion, dir);
}

/**
 * Finds or builds the oracle binary: $PLUMBING_TEKTON_ORACLE when set, else the cache
 * (~/.cache/plumbing/tekton-oracle), else built once. The first build compiles Tekton's dependency
 * graph: about 11 CPU-minutes from an empty Go cache (measured: 1 min of module download, then
 * 20-31 min wall on two cores shared at load 20; with the module and build caches warm, under a minute).
 */
export function ensureOracle(opts: EnsureOracleOptions = {}): Promise<string> {
  return ensureGoProgram(ORACLE, opts);
}
