// startGitHubServer: a local stand-in for api.github.com, github.com's OAuth pages and
// uploads.github.com (REST v3), for tests of tools that talk to GitHub, since no real GitHub can
// run here.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AppInfo, type AppOptions, Credentials, makeApp, type OAuthAppInfo } from './credentials.js';
import { type Fault, Faults, type InjectedFault } from './faults.js';
import { ApiError, type Reply, type RequestContext, type Urls } from './http.js';
import { Router } from './router.js';
import { accessRoutes } from './routes-access.js';
import { appRoutes } from './routes-apps.js';
import { checkRoutes } from './routes-checks.js';
import { issueRoutes } from './routes-issues.js';
import { releaseRoutes } from './routes-releases.js';
import { repoRoutes } from './routes-repos.js';
import { statusRoutes } from './routes-statuses.js';
import { GitHubState, steppingClock } from './state.js';
import { closeServer, listen, parseBody, presentedToken, REDACTED, readBody, redactHeaders, writeReply } from './transport.js';

export type { Fault, InjectedFault } from './faults.js';

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
  /** Wall clock (ms) against which JWTs, installation tokens and OAuth codes expire (default Date.now). */
  now?: () => number;
  /** x-ratelimit-limit (default 5000); remaining counts down per request but is never enforced. */
  rateLimit?: number;
  /** Serve a GitHub App (JWT auth, installation tokens); its key is made when not given. */
  app?: AppOptions;
  /** The OAuth app of the web flow (default: a random client id and secret). */
  oauth?: Partial<OAuthAppInfo>;
}

export interface RecordedRequest {
  method: string;
  host: 'api' | 'uploads';
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-case; `authorization` is redacted. */
  headers: Record<string, string>;
  /** Parsed JSON (or form), or the byte length of a non-JSON body (uploads), or undefined when empty. */
  body: unknown;
  status: number;
}

export interface GitHubServer {
  /** Base URL standing for https://api.github.com and https://github.com (pass as octokit `baseUrl`, or GITHUB_API_URL). */
  url: string;
  /** Base URL standing for https://uploads.github.com (a separate port). */
  uploadUrl: string;
  token: string;
  state: GitHubState;
  /** The GitHub App, when the server was started with `app`: its id, slug, private key (PEM) and installations. */
  app: AppInfo | undefined;
  /** The OAuth app's client id and secret. */
  oauth: OAuthAppInfo;
  /** Every request, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** Resolves with the first request, already recorded or still to come, that `pred` accepts (a test waits on it instead of polling). */
  request(pred: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  inject(fault: Fault): InjectedFault;
  /** Clears state (then re-seeds), issued tokens, requests and faults. */
  reset(): void;
  close(): Promise<void>;
}

interface Shared {
  opts: GitHubServerOptions;
  state: GitHubState;
  credentials: Credentials;
  router: Router;
  faults: Faults;
  urls: Urls;
  requests: RecordedRequest[];
  waiters: { pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[];
  rate: { limit: number; used: number; resetAt: number };
}

/** Authenticates, applies faults, routes and runs the handler; GitHub's error body on failure. */
function dispatch(s: Shared, host: 'api' | 'uploads', req: IncomingMessage, raw: Buffer, url: URL, path: string, record: { body: unknown }): Reply {
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    const found = s.router.match(method, path, host);
    const actor = s.credentials.identify(presentedToken(req));
    const anonymousOk = found?.route.anonymous === true || (s.opts.anonymousReads === true && method === 'GET');
    if (actor === null && !anonymousOk) throw new ApiError(401, 'Requires authentication');
    if (actor?.kind === 'app' && found && !found.route.app) throw new ApiError(403, 'Resource not accessible by integration');
    s.faults.check(method, path);
    if (!found) throw new ApiError(404, 'Not Found');
    const body = parseBody(raw, req, host);
    if (body !== undefined) record.body = body;
    const ctx: RequestContext = { method, path, query: url.searchParams, params: found.params, body, raw, headers: req.headers, state: s.state, urls: s.urls, host, actor, credentials: s.credentials };
    return found.route.handler(ctx);
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, body: err.toBody(), headers: err.headers };
    const message = err instanceof Error ? err.message : String(err);
    return { status: 500, body: { message: `fake GitHub bug: ${message}`, documentation_url: 'https://docs.github.com/rest', status: '500' } };
  }
}

function responseHeaders(s: Shared, reply: Reply): Record<string, string> {
  const { limit, used, resetAt } = s.rate;
  return {
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `FAKE:${s.requests.length}`,
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(limit - used, 0)),
    'x-ratelimit-used': String(used),
    'x-ratelimit-reset': String(resetAt),
    'x-ratelimit-resource': 'core',
    ...reply.headers,
  };
}

async function handle(s: Shared, host: 'api' | 'uploads', req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const record: { body: unknown } = { body: raw.length > 0 ? raw.length : undefined };
  s.rate.used += 1;
  const reply = dispatch(s, host, req, raw, url, path, record);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k === 'access_token' || k === 'client_secret' ? REDACTED : v;
  const body = typeof record.body === 'object' && record.body !== null && 'client_secret' in record.body ? { ...record.body, client_secret: REDACTED } : record.body;
  const recorded: RecordedRequest = { method: (req.method ?? 'GET').toUpperCase(), host, path, query, headers: redactHeaders(req), body, status: reply.status };
  s.requests.push(recorded);
  writeReply(res, reply, responseHeaders(s, reply));
  for (const w of s.waiters.filter((x) => x.pred(recorded))) {
    s.waiters.splice(s.waiters.indexOf(w), 1);
    w.resolve(recorded);
  }
}

async function makeShared(opts: GitHubServerOptions): Promise<Shared> {
  const token = opts.token ?? `ghs_fake_${randomBytes(16).toString('hex')}`;
  const login = opts.login ?? 'plumbing-bot';
  const oauth = { clientId: opts.oauth?.clientId ?? `Iv1.${randomBytes(8).toString('hex')}`, clientSecret: opts.oauth?.clientSecret ?? randomBytes(20).toString('hex') };
  const credentials = new Credentials({ token, login, now: opts.now ?? Date.now, app: opts.app ? await makeApp(opts.app) : undefined, oauth });
  return {
    opts,
    state: new GitHubState({ login, clock: opts.clock ?? steppingClock() }),
    credentials,
    router: new Router().add(...repoRoutes, ...releaseRoutes, ...statusRoutes, ...checkRoutes, ...issueRoutes, ...accessRoutes, ...appRoutes),
    faults: new Faults(),
    urls: { api: '', uploads: '' },
    requests: [],
    waiters: [],
    rate: { limit: opts.rateLimit ?? 5000, used: 0, resetAt: Math.floor(Date.now() / 1000) + 3600 },
  };
}

export async function startGitHubServer(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  const s = await makeShared(opts);
  const seed = () => {
    for (const r of opts.repos ?? []) s.state.addRepo(r);
    opts.seed?.(s.state);
  };
  seed();
  const serve = (host: 'api' | 'uploads') =>
    createServer((req, res) => {
      handle(s, host, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  const api = serve('api');
  const uploads = serve('uploads');
  s.urls.api = `http://127.0.0.1:${await listen(api)}`;
  s.urls.uploads = `http://127.0.0.1:${await listen(uploads)}`;
  const app = s.credentials.opts.app;
  return {
    url: s.urls.api,
    uploadUrl: s.urls.uploads,
    token: s.credentials.opts.token,
    state: s.state,
    app: app && { id: app.id, slug: app.slug, privateKey: app.privateKey, installations: app.installations },
    oauth: s.credentials.opts.oauth,
    requests: s.requests,
    request(pred) {
      const seen = s.requests.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => s.waiters.push({ pred, resolve }));
    },
    inject: (fault) => s.faults.inject(fault),
    reset() {
      s.state.clear();
      s.credentials.clear();
      seed();
      s.requests.length = 0;
      s.faults.clear();
      s.rate.used = 0;
    },
    async close() {
      await Promise.all([closeServer(api), closeServer(uploads)]);
    },
  };
}
