export { Git, redactUrl } from './git.js';
export type { Checkout } from './clone.js';
export { cloneFull, cloneShallow } from './clone.js';
export type { GitHttpOptions, GitHttpServer, ServedRepo } from './serve.js';
export { serveGitHttp, serveRepository } from './serve.js';
