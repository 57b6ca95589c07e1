// The one place @octokit/rest is constructed: imported on first use (a deploy that succeeds never
// loads it), authenticated per request by the AuthProvider, every failure wrapped once.

import type { Octokit } from '@octokit/rest';
import { type AuthProvider, authProvider, type GitHubAuth } from './auth.js';
import { githubError, statusOf } from './errors.js';
import { nodeFetch } from './node-fetch.js';

export interface GitHubOptions {
  auth: GitHubAuth;
  /** REST API base URL (default https://api.github.com; GITHUB_API_URL). Tests pass the local server's URL. */
  baseUrl?: string | undefined;
  /** Milliseconds since the epoch (default Date.now): installation tokens are renewed against it. */
  now?: () => number;
  /** fetch for the App token call (default the global one). */
  fetch?: typeof fetch;
  userAgent?: string;
}

export const DEFAULT_API_URL = 'https://api.github.com';

/** What every port module gets: a way to run one octokit call with its errors wrapped. */
export interface Caller {
  /** Runs `fn` with the client; a failure becomes a GitHubError saying `what` (never a token). */
  call<T>(what: string, fn: (octokit: Octokit) => Promise<T>): Promise<T>;
  /** Like call, but a 404 answers `undefined` instead of failing. */
  callOr404<T>(what: string, fn: (octokit: Octokit) => Promise<T>): Promise<T | undefined>;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function makeOctokit(Ctor: typeof Octokit, baseUrl: string, auth: AuthProvider, userAgent: string): Octokit {
  const octokit = new Ctor({ baseUrl, userAgent, log: silent, request: { fetch: nodeFetch } });
  octokit.hook.wrap('request', async (request, options) => {
    options.headers.authorization = await auth.header();
    try {
      return await request(options);
    } catch (e) {
      if (statusOf(e) !== 401 || !auth.refreshable) throw e;
      // An installation token revoked or expired early: get a new one, try once more.
      auth.invalidate();
      options.headers.authorization = await auth.header();
      return await request(options);
    }
  });
  return octokit;
}

export function createCaller(opts: GitHubOptions): Caller & { auth: AuthProvider; baseUrl: string } {
  const baseUrl = (opts.baseUrl || DEFAULT_API_URL).replace(/\/+$/, '');
  const userAgent = opts.userAgent ?? 'plumbing';
  const auth = authProvider(opts.auth, { baseUrl, now: opts.now ?? Date.now, fetch: opts.fetch ?? ((...a) => fetch(...a)), userAgent });
  let client: Promise<Octokit> | undefined;
  const get = () => {
    client ??= import('@octokit/rest').then(({ Octokit: Ctor }) => makeOctokit(Ctor, baseUrl, auth, userAgent));
    return client;
  };
  const call = async <T>(what: string, fn: (octokit: Octokit) => Promise<T>): Promise<T> => {
    try {
      return await fn(await get());
    } catch (e) {
      throw githubError(what, e, auth.secrets());
    }
  };
  const callOr404 = async <T>(what: string, fn: (octokit: Octokit) => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn(await get());
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw githubError(what, e, auth.secrets());
    }
  };
  return { call, callOr404, auth, baseUrl };
}
