// startGitHubServer: a local stand-in for api.github.com and uploads.github.com (REST v3), for
// tests of tools that talk to GitHub, since no real GitHub can run here.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type Reply, type RequestContext, type Urls } from './http.js';
import { Router } from './router.js';
import { issueRoutes } from './routes-issues.js';
import { releaseRoutes } from './routes-releases.js';
import { repoRoutes } from './routes-repos.js';
import { statusRoutes } from './routes-statuses.js';
import { GitHubState, steppingClock } from './state.js';

export interface GitHubServerOptions {
  /** The one valid token (default: a random `ghs_fake_…`). Any other token gets 401 Bad credentials. */
  token?: string;
  /** Login of the token's user, the author of what is created over HTTP (default `plumbing-bot`). */
  login?: string;
  /** Repositories ("owner/name") created at start and again by reset(). */
  repos?: string[];
  /** Further seeding, run at start and again by reset(). */
  seed?: (state: GitHubState) => void;
  /** Let GET requests without a token through (as for public repositories). Default false. */
  anonymousReads?: boolean;
  /** Clock for created_at and friends (default: from 2024-01-01T00:00:00Z, +1 s per reading). */
  clock?: () => Date;
  /** x-ratelimit-limit (default 5000); remaining counts down per request but is never enforced. */
  rateLimit?: number;
}

export interface Fault {
  method?: string;
  /** Exact path (no query) or a pattern tested against the path. */
  path?: string | RegExp;
  /** 403 with rateLimit is the primary rate limit; 429 with rateLimit the secondary one. Default 500, or 403 with rateLimit. */
  status?: 403 | 422 | 429 | 500 | 502 | 503;
  /** How many matching requests fail (default: every one until reset()). */
  times?: number;
  rateLimit?: boolean;
  /** Seconds in `retry-after` (429) or until `x-ratelimit-reset` (403). Default 1 / 60. */
  retryAfter?: number;
  message?: string;
}

export interface InjectedFault {
  /** Requests this fault has failed so far. */
  readonly hits: number;
  remove(): void;
}

export interface RecordedRequest {
  method: string;
  host: 'api' | 'uploads';
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-case; `authorization` is redacted. */
  headers: Record<string, string>;
  /** Parsed JSON, or the byte length of a non-JSON body (uploads), or undefined when empty. */
  body: unknown;
  status: number;
}

export interface GitHubServer {
  /** Base URL standing for https://api.github.com (pass as octokit `baseUrl`, or GITHUB_API_URL). */
  url: string;
  /** Base URL standing for https://uploads.github.com (a separate port). */
  uploadUrl: string;
  token: string;
  state: GitHubState;
  /** Every request, in order of arrival. */
  readonly requests: RecordedRequest[];
  inject(fault: Fault): InjectedFault;
  /** Clears state (then re-seeds), requests and faults. */
  reset(): void;
  close(): Promise<void>;
}

const REDACTED = '[REDACTED]';

interface ActiveFault extends Fault {
  hits: number;
}

function faultMatches(f: ActiveFault, method: string, path: string): boolean {
  if (f.times !== undefined && f.hits >= f.times) return false;
  if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
  if (f.path === undefined) return true;
  return typeof f.path === 'string' ? f.path === path : f.path.test(path);
}

function faultReply(f: ActiveFault): { error: ApiError } {
  const status = f.status ?? (f.rateLimit ? 403 : 500);
  if (f.rateLimit && status === 429) {
    const msg = f.message ?? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    return { error: new ApiError(429, msg, undefined, { 'retry-after': String(f.retryAfter ?? 1) }) };
  }
  if (f.rateLimit) {
    const reset = String(Math.floor(Date.now() / 1000) + (f.retryAfter ?? 60));
    const msg = f.message ?? 'API rate limit exceeded for user ID 1.';
    return { error: new ApiError(status, msg, undefined, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }) };
  }
  const text: Record<number, string> = { 403: 'Forbidden', 422: 'Validation Failed', 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return { error: new ApiError(status, f.message ?? text[status] ?? 'Error') };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' || k === 'proxy-authorization' ? REDACTED : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** `token X` or `Bearer X`; null when there is no Authorization header. */
function presentedToken(req: IncomingMessage): string | null | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return null;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

export async function startGitHubServer(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  const token = opts.token ?? `ghs_fake_${randomBytes(16).toString('hex')}`;
  const state = new GitHubState({ login: opts.login ?? 'plumbing-bot', clock: opts.clock ?? steppingClock() });
  const seed = () => {
    for (const r of opts.repos ?? []) state.addRepo(r);
    opts.seed?.(state);
  };
  seed();
  const router = new Router().add(...repoRoutes, ...releaseRoutes, ...statusRoutes, ...issueRoutes);
  const requests: RecordedRequest[] = [];
  let faults: ActiveFault[] = [];
  const limit = opts.rateLimit ?? 5000;
  let used = 0;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  const urls: Urls = { api: '', uploads: '' };

  const handle = async (host: 'api' | 'uploads', req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let recordedBody: unknown = raw.length > 0 ? raw.length : undefined;
    used += 1;
    const reply = ((): Reply => {
      try {
        const found = router.match(method, path, host);
        const presented = presentedToken(req);
        if (presented !== null && presented !== token) throw new ApiError(401, 'Bad credentials');
        const anonymousOk = found?.route.anonymous === true || (opts.anonymousReads === true && method === 'GET');
        if (presented === null && !anonymousOk) throw new ApiError(401, 'Requires authentication');
        const fault = faults.find((f) => faultMatches(f, method, path));
        if (fault) {
          fault.hits += 1;
          throw faultReply(fault).error;
        }
        if (!found) throw new ApiError(404, 'Not Found');
        let body: unknown;
        if (host === 'api' && raw.length > 0) {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            throw new ApiError(400, 'Problems parsing JSON');
          }
          recordedBody = body;
        }
        const ctx: RequestContext = { method, path, query: url.searchParams, params: found.params, body, raw, headers: req.headers, state, urls, host };
        return found.route.handler(ctx);
      } catch (err) {
        if (err instanceof ApiError) return { status: err.status, body: err.toBody(), headers: err.headers };
        const message = err instanceof Error ? err.message : String(err);
        return { status: 500, body: { message: `fake GitHub bug: ${message}`, documentation_url: 'https://docs.github.com/rest', status: '500' } };
      }
    })();
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k === 'access_token' ? REDACTED : v;
    requests.push({ method, host, path, query, headers: redactHeaders(req), body: recordedBody, status: reply.status });
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(limit - used, 0)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    if (reply.raw) {
      res.writeHead(reply.status, { 'content-length': String(reply.raw.length), ...headers });
      res.end(reply.raw);
    } else if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    }
  };

  const serve = (host: 'api' | 'uploads') =>
    createServer((req, res) => {
      handle(host, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  const api = serve('api');
  const uploads = serve('uploads');
  urls.api = `http://127.0.0.1:${await listen(api)}`;
  urls.uploads = `http://127.0.0.1:${await listen(uploads)}`;

  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url: urls.api,
    uploadUrl: urls.uploads,
    token,
    state,
    requests,
    inject(fault: Fault): InjectedFault {
      const active: ActiveFault = { ...fault, hits: 0 };
      faults.push(active);
      return {
        get hits() {
          return active.hits;
        },
        remove() {
          faults = faults.filter((f) => f !== active);
        },
      };
    },
    reset() {
      state.clear();
      seed();
      requests.length = 0;
      faults = [];
      used = 0;
    },
    async close() {
      await Promise.all([close(api), close(uploads)]);
    },
  };
}
