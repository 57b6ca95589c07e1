// The OAuth web flow for signing in to the dashboard: send the browser to GitHub's authorize page,
// take the `code` it comes back with, exchange it for a user token, then ask who the user is
// (createGitHub({ auth: { token } }).authenticatedUser()).

import { GitHubError, githubError, redact } from './errors.js';

export const DEFAULT_WEB_URL = 'https://github.com';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** github.com's URL (default https://github.com); tests pass the local server's URL. */
  webUrl?: string | undefined;
  fetch?: typeof fetch;
}

const base = (app: Pick<OAuthApp, 'webUrl'>) => (app.webUrl || DEFAULT_WEB_URL).replace(/\/+$/, '');

/** `https://github.com/login/oauth/authorize?client_id=…&redirect_uri=…&state=…&scope=…`. */
export function oauthAuthorizeUrl(app: Pick<OAuthApp, 'clientId' | 'webUrl'>, o: { redirectUri: string; state: string; scope?: string | undefined }): string {
  const q = new URLSearchParams({ client_id: app.clientId, redirect_uri: o.redirectUri, state: o.state });
  if (o.scope !== undefined) q.set('scope', o.scope);
  q.set('allow_signup', 'false');
  return `${base(app)}/login/oauth/authorize?${q.toString()}`;
}

export interface OAuthToken {
  accessToken: string;
  tokenType: string;
  scope: string;
}

/** `POST /login/oauth/access_token`: the code from the redirect for a user token. */
export async function exchangeOAuthCode(app: OAuthApp, o: { code: string; redirectUri?: string | undefined }): Promise<OAuthToken> {
  const what = 'OAuth code exchange';
  const secrets = [app.clientSecret, o.code];
  const body = new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, code: o.code });
  if (o.redirectUri !== undefined) body.set('redirect_uri', o.redirectUri);
  let res: Response;
  try {
    res = await (app.fetch ?? fetch)(`${base(app)}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  } catch (e) {
    throw githubError(what, e, secrets);
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  // GitHub answers 200 with {error, error_description} to a bad or used code.
  if (!res.ok || typeof data['access_token'] !== 'string') {
    const detail = typeof data['error'] === 'string' ? `${data['error']}: ${String(data['error_description'] ?? '')}` : res.statusText;
    throw new GitHubError(what, res.status, redact(detail, secrets), { hint: 'the code is single-use and expires after 10 minutes: sign in again' });
  }
  return { accessToken: data['access_token'], tokenType: String(data['token_type'] ?? 'bearer'), scope: String(data['scope'] ?? '') };
}
