// Authentication: a token, or a GitHub App (app JWT signed RS256 → installation access token,
// cached until shortly before it expires). The JWT is signed with node:crypto: one call that takes
// both key formats GitHub hands out (PKCS#1 "RSA PRIVATE KEY" and PKCS#8), no extra dependency.

import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { PlumbingError } from '@plumbing/model';
import { GitHubError, githubError, redact } from './errors.js';

export interface GitHubAppCredentials {
  appId: string | number;
  /** The App's private key, PEM (PKCS#1 or PKCS#8). */
  privateKey: string;
  installationId: number;
}

/** A personal, OAuth or Actions token; or a GitHub App's installation. */
export type GitHubAuth = { token: string } | { app: GitHubAppCredentials };

/** What the client asks of an auth: the Authorization header value, and the secrets to redact. */
export interface AuthProvider {
  header(): Promise<string>;
  /** Forget a cached token (after a 401), so the next header() gets a new one. */
  invalidate(): void;
  /** True when invalidate() can make a retry succeed (installation tokens). */
  readonly refreshable: boolean;
  secrets(): string[];
}

/** GitHub allows at most 10 minutes; iat is set 60 s in the past against clock drift (GitHub's advice). */
const JWT_LIFETIME_S = 9 * 60;
const JWT_BACKDATE_S = 60;
/** An installation token (valid 1 h) is renewed this long before it expires. */
export const TOKEN_RENEW_MARGIN_MS = 5 * 60 * 1000;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** The App's JWT (RS256): `iss` the app id, `iat` a minute ago, `exp` nine minutes ahead. */
export function appJwt(appId: string | number, key: KeyObject | string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iat: now - JWT_BACKDATE_S, exp: now + JWT_LIFETIME_S, iss: String(appId) }));
  const input = `${header}.${payload}`;
  const keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), keyObject))}`;
}

export interface AuthDeps {
  baseUrl: string;
  now: () => number;
  fetch: typeof fetch;
  userAgent: string;
}

export function tokenAuth(token: string): AuthProvider {
  return { header: async () => `token ${token}`, invalidate() {}, refreshable: false, secrets: () => [token] };
}

interface Cached {
  token: string;
  expiresAt: number;
}

/** Installation tokens for a GitHub App, fetched on first use and renewed near expiry. */
export function appAuth(app: GitHubAppCredentials, deps: AuthDeps): AuthProvider {
  let key: KeyObject;
  try {
    key = createPrivateKey(app.privateKey);
  } catch (e) {
    throw new PlumbingError('GITHUB_APP_KEY', `the private key of GitHub App ${app.appId} is not a PEM private key (${e instanceof Error ? e.message : String(e)})`, {
      hint: "pass the .pem file GitHub generated for the App (Settings → Developer settings → the App's private keys)",
    });
  }
  let cached: Cached | undefined;
  let pending: Promise<Cached> | undefined;
  // The JWTs and tokens issued lately, for redaction (the last few are enough: older ones expired).
  const seen: string[] = [];
  const remember = (s: string) => {
    seen.push(s);
    if (seen.length > 8) seen.splice(0, seen.length - 8);
  };
  const fresh = () => cached !== undefined && cached.expiresAt - TOKEN_RENEW_MARGIN_MS > deps.now();
  const fetchToken = async (): Promise<Cached> => {
    const jwt = appJwt(app.appId, key, deps.now());
    remember(jwt);
    const what = `installation token for App ${app.appId} (installation ${app.installationId})`;
    const url = `${deps.baseUrl.replace(/\/+$/, '')}/app/installations/${app.installationId}/access_tokens`;
    let res: Response;
    try {
      res = await deps.fetch(url, {
        method: 'POST',
        headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${jwt}`, 'user-agent': deps.userAgent, 'x-github-api-version': '2022-11-28' },
      });
    } catch (e) {
      throw githubError(what, e, [jwt]);
    }
    const data = (await res.json().catch(() => ({}))) as { token?: unknown; expires_at?: unknown; message?: unknown };
    if (res.status !== 201 || typeof data.token !== 'string' || typeof data.expires_at !== 'string') {
      throw new GitHubError(what, res.status, redact(typeof data.message === 'string' ? data.message : res.statusText, [jwt]));
    }
    remember(data.token);
    return { token: data.token, expiresAt: Date.parse(data.expires_at) };
  };
  return {
    refreshable: true,
    async header() {
      if (!fresh()) {
        pending ??= fetchToken().finally(() => {
          pending = undefined;
        });
        cached = await pending;
      }
      return `token ${cached!.token}`;
    },
    invalidate() {
      cached = undefined;
    },
    secrets: () => [...seen],
  };
}

/** `GET /repos/{o}/{r}/installation` as the App: the installation id to authenticate as for a repository. */
export async function findAppInstallation(app: Omit<GitHubAppCredentials, 'installationId'>, repository: string, deps: AuthDeps): Promise<number> {
  const jwt = appJwt(app.appId, app.privateKey, deps.now());
  const what = `installation of App ${app.appId} on ${repository}`;
  let res: Response;
  try {
    res = await deps.fetch(`${deps.baseUrl.replace(/\/+$/, '')}/repos/${repository}/installation`, {
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${jwt}`, 'user-agent': deps.userAgent, 'x-github-api-version': '2022-11-28' },
    });
  } catch (e) {
    throw githubError(what, e, [jwt]);
  }
  const data = (await res.json().catch(() => ({}))) as { id?: unknown; message?: unknown };
  if (res.status !== 200 || typeof data.id !== 'number') {
    throw new GitHubError(what, res.status, redact(typeof data.message === 'string' ? data.message : res.statusText, [jwt]), res.status === 404 ? { hint: 'install the GitHub App on the repository (or its organisation)' } : {});
  }
  return data.id;
}

export function authProvider(auth: GitHubAuth, deps: AuthDeps): AuthProvider {
  return 'token' in auth ? tokenAuth(auth.token) : appAuth(auth.app, deps);
}
