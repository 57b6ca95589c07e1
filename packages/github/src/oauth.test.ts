import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubError } from './errors.js';
import { createGitHub } from './github.js';
import { exchangeOAuthCode, oauthAuthorizeUrl } from './oauth.js';

let server: GitHubServer;
const redirectUri = 'http://127.0.0.1:9/auth/callback';

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'] });
  server.reset();
});
afterAll(() => server?.close());

/** The browser's part: follow the authorize URL (GitHub signs the suggested user in) to the redirect. */
async function browse(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

describe('OAuth web flow for sign-in (local GitHub protocol server)', () => {
  const app = () => ({ ...server.oauth, webUrl: server.url });

  it('authorize → redirect with code and state → user token → the signed-in user', async () => {
    const url = oauthAuthorizeUrl(app(), { redirectUri, state: 'csrf-123', scope: 'read:user' });
    expect(url).toMatch(new RegExp(`^${server.url}/login/oauth/authorize\\?client_id=`));
    const back = await browse(`${url}&login=alice`);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('csrf-123');
    const token = await exchangeOAuthCode(app(), { code: back.searchParams.get('code')!, redirectUri });
    expect(token.accessToken).toMatch(/^gho_/);
    const user = await createGitHub({ auth: { token: token.accessToken }, baseUrl: server.url }).authenticatedUser();
    expect(user).toMatchObject({ login: 'alice' });
    const exchange = server.requests.find((r) => r.path === '/login/oauth/access_token')!;
    expect(exchange.body).toMatchObject({ client_secret: '[REDACTED]' });
  });

  it('a code works once; a wrong client secret is refused; neither error shows the secret or the code', async () => {
    const back = await browse(oauthAuthorizeUrl(app(), { redirectUri, state: 's' }));
    const code = back.searchParams.get('code')!;
    const wrong = await exchangeOAuthCode({ ...app(), clientSecret: 'not-the-secret' }, { code }).catch((x: unknown) => x);
    expect(wrong).toBeInstanceOf(GitHubError);
    expect((wrong as Error).message).toMatch(/^GitHub OAuth code exchange: 200 incorrect_client_credentials/);
    expect((wrong as Error).message).not.toContain('not-the-secret');
    await expect(exchangeOAuthCode(app(), { code })).resolves.toMatchObject({ accessToken: expect.stringMatching(/^gho_/) });
    const again = await exchangeOAuthCode(app(), { code }).catch((x: unknown) => x);
    expect((again as Error).message).toMatch(/bad_verification_code/);
    expect((again as Error).message).not.toContain(code);
  });

  it('an unknown client id gets no code (404)', async () => {
    const res = await fetch(oauthAuthorizeUrl({ clientId: 'Iv1.unknown', webUrl: server.url }, { redirectUri, state: 's' }), { redirect: 'manual' });
    expect(res.status).toBe(404);
  });
});
