export { ensureRenderer, type EnsureRendererOptions, RENDERER_GO_DIR, rendererSourceHash } from './build.js';
export { kustomizeBuilder } from './builder.js';
export { KustomizeRenderer } from './renderer.js';
