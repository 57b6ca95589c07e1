/**
 * The registry auth challenge (`WWW-Authenticate`): Basic, or the distribution token protocol's
 * Bearer flow (GET realm?service=...&scope=... with Basic credentials or anonymously → a token).
 */
import { PlumbingError } from '@plumbing/model';
import type { Credential } from './credentials.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://x/token",service="x",scope="repository:a:pull"`. */
export function parseChallenge(header: string): Challenge {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m?.[2] ?? ''); p; p = re.exec(m?.[2] ?? '')) params[(p[1] ?? '').toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme, params };
}

function basic(c: Credential): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/**
 * The Authorization header answering a challenge for `scope`, or undefined when there is none to
 * give (Basic without credentials). Token errors name the realm, never the credentials.
 */
export async function answerChallenge(challenge: Challenge, scope: string, cred: Credential | undefined): Promise<string | undefined> {
  if (challenge.scheme === 'basic') return cred ? basic(cred) : undefined;
  if (challenge.scheme !== 'bearer') throw new PlumbingError('OCI_AUTH_UNSUPPORTED', `unsupported registry auth scheme "${challenge.scheme}"`);
  const realm = challenge.params.realm;
  if (!realm) throw new PlumbingError('OCI_AUTH_FAILED', 'the registry asked for a bearer token without naming its token service (no realm)');
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  url.searchParams.set('scope', challenge.params.scope ?? scope);
  const headers: Record<string, string> = {};
  if (cred) headers.authorization = basic(cred);
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (err) {
    throw new PlumbingError('OCI_AUTH_FAILED', `cannot reach the token service ${url.origin}${url.pathname}`, { cause: err });
  }
  if (!res.ok) {
    await res.body?.cancel();
    const what = cred ? 'the credentials were refused' : 'anonymous access was refused';
    throw new PlumbingError('OCI_AUTH_FAILED', `token service ${url.origin}${url.pathname} answered HTTP ${res.status}: ${what}`, {
      hint: 'check the credentials in ~/.docker/config.json (or DOCKER_CONFIG) or the docker-config Secret',
    });
  }
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new PlumbingError('OCI_AUTH_FAILED', `token service ${url.origin}${url.pathname} returned no token`);
  return `Bearer ${token}`;
}
