export { Git } from './git.js';
export { cloneFull, cloneShallow } from './clone.js';
export type { GitHttpServer } from './serve.js';
export { serveGitHttp, serveRepository } from './serve.js';
