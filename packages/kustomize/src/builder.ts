import { join } from 'node:path';
import type { KustomizeBuild, KustomizeBuilder } from '@plumbing/model';
import type { EnsureRendererOptions } from './build.js';
import { KustomizeRenderer } from './renderer.js';

/**
 * The kustomize port of `checkRepository`: renders kustomization directories (relative to
 * `root`) with one kustomize-render process, started (and built, the first time) only when a
 * repository has kustomizations. A machine without Go gets the reason instead of the renders.
 */
export function kustomizeBuilder(root: string, opts: EnsureRendererOptions = {}): KustomizeBuilder {
  return async (dirs) => {
    let renderer: KustomizeRenderer;
    try {
      renderer = await KustomizeRenderer.start(opts);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { unavailable: why };
    }
    try {
      const builds = new Map<string, KustomizeBuild>();
      const all = await Promise.all(dirs.map((d) => renderer.render(join(root, d))));
      dirs.forEach((d, i) => {
        builds.set(d, all[i] as KustomizeBuild);
      });
      return { builds };
    } finally {
      await renderer.close();
    }
  };
}
