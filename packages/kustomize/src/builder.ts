import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { KustomizeBuild, KustomizeBuilder } from '@plumbing/model';
import type { EnsureRendererOptions } from './build.js';
import { KustomizeRenderer } from './renderer.js';

export interface KustomizeBuilderOptions extends EnsureRendererOptions {
  /** Renderer processes at once (default: the number of cores, at most 4). */
  readonly processes?: number;
}

/**
 * The kustomize port of `checkRepository`: renders kustomization directories (relative to
 * `root`) with kustomize-render processes (one per core: krusty keeps global state, so one
 * process renders one kustomization at a time), started (and built, the first time) only when a
 * repository has kustomizations. A machine without Go gets the reason instead of the renders.
 */
export function kustomizeBuilder(root: string, opts: KustomizeBuilderOptions = {}): KustomizeBuilder {
  return async (dirs) => {
    const n = Math.max(1, Math.min(dirs.length, opts.processes ?? Math.min(4, availableParallelism())));
    let renderers: KustomizeRenderer[];
    try {
      const first = await KustomizeRenderer.start(opts);
      renderers = [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => KustomizeRenderer.start(opts))))];
    } catch (e) {
      return { unavailable: e instanceof Error ? e.message : String(e) };
    }
    try {
      const all = await Promise.all(dirs.map((d, i) => (renderers[i % n] as KustomizeRenderer).render(join(root, d))));
      const builds = new Map<string, KustomizeBuild>();
      dirs.forEach((d, i) => {
        builds.set(d, all[i] as KustomizeBuild);
      });
      return { builds };
    } finally {
      await Promise.all(renderers.map((r) => r.close()));
    }
  };
}
