export { ensureRenderer, type EnsureRendererOptions, RENDERER_GO_DIR, rendererSourceHash } from './build.js';
export { kustomizeBuilder, type KustomizeBuilderOptions } from './builder.js';
export { KustomizeRenderer } from './renderer.js';
