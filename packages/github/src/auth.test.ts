import { createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { type GitHubServer, INSTALLATION_TOKEN_TTL_MS, startGitHubServer, verifyAppJwt } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { appJwt, TOKEN_RENEW_MARGIN_MS } from './auth.js';
import { GitHubError } from './errors.js';
import { appInstallationFor, createGitHub } from './github.js';

// One clock for both sides, moved by the tests (no waiting on the wall clock).
let now = Date.UTC(2026, 0, 1);
let server: GitHubServer;

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'], app: { id: 4242, slug: 'plumbing-ci', installations: [{ id: 7, account: 'demo' }] }, now: () => now });
  server.reset();
  now = Date.UTC(2026, 0, 1);
});
afterAll(() => server?.close());

const appGitHub = (o: { clock?: () => number; installationId?: number; privateKey?: string } = {}) =>
  createGitHub({
    auth: { app: { appId: server.app!.id, privateKey: o.privateKey ?? server.app!.privateKey, installationId: o.installationId ?? 7 } },
    baseUrl: server.url,
    now: o.clock ?? (() => now),
  });

const tokenRequests = () => server.requests.filter((r) => r.path === '/app/installations/7/access_tokens');

describe('GitHub App authentication through the port (local GitHub protocol server)', () => {
  it('signs an RS256 JWT that GitHub accepts: iss is the app id, iat a minute back, exp under ten minutes ahead', () => {
    const jwt = appJwt(4242, server.app!.privateKey, now);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    expect(payload).toEqual({ iss: '4242', iat: now / 1000 - 60, exp: now / 1000 + 540 });
    expect(() => verifyAppJwt(jwt, { id: 4242, publicKey: createPublicKey(server.app!.privateKey) }, now)).not.toThrow();
  });

  it('gets an installation token once and acts as the App bot with it', async () => {
    const repo = appGitHub().repo('demo/app');
    const first = await repo.openOrComment({ title: 'nightly failing', body: 'one' });
    await repo.openOrComment({ title: 'nightly failing', body: 'two' });
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]).toMatchObject({ method: 'POST', status: 201, headers: { authorization: '[REDACTED]' } });
    const issue = server.state.repo('demo/app').issues[first.number - 1]!;
    expect(issue.user).toBe('plumbing-ci[bot]');
  });

  it('renews the token five minutes before it expires, not before', async () => {
    const repo = appGitHub().repo('demo/app');
    await repo.listReleases();
    now += INSTALLATION_TOKEN_TTL_MS - TOKEN_RENEW_MARGIN_MS - 1000;
    await repo.listReleases();
    expect(tokenRequests()).toHaveLength(1);
    now += 2000;
    await repo.listReleases();
    expect(tokenRequests()).toHaveLength(2);
    expect(server.requests.filter((r) => r.path === '/repos/demo/app/releases').map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('gets a new token when GitHub refuses the cached one (expired early), and retries the call once', async () => {
    let portClock = now;
    const repo = appGitHub({ clock: () => portClock }).repo('demo/app');
    await repo.listReleases();
    // The server's clock runs past the token's hour; the port's is six minutes behind, so it
    // still holds the token for fresh (its JWTs stay valid: they are good for nine minutes).
    now += INSTALLATION_TOKEN_TTL_MS + 1000;
    portClock = now - 6 * 60_000;
    await expect(repo.listReleases()).resolves.toEqual([]);
    expect(server.requests.filter((r) => r.path === '/repos/demo/app/releases').map((r) => r.status)).toEqual([200, 401, 200]);
    expect(tokenRequests().map((r) => r.status)).toEqual([201, 201]);
  });

  it('an expired JWT (a clock far behind GitHub) is a 401 GitHubError without the JWT in it', async () => {
    const e = await appGitHub({ clock: () => now - 3600_000 })
      .repo('demo/app')
      .listReleases()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitHubError);
    expect(e).toMatchObject({ status: 401, message: expect.stringMatching(/^GitHub installation token for App 4242 \(installation 7\): 401 'Expiration time' claim/) });
    expect(String((e as Error).message)).not.toMatch(/eyJ/);
  });

  it('a JWT signed with another key, or for an installation that does not exist, is refused with GitHub statuses', async () => {
    const other = (await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(appGitHub({ privateKey: other }).repo('demo/app').listReleases()).rejects.toMatchObject({
      status: 401,
      message: 'GitHub installation token for App 4242 (installation 7): 401 A JSON web token could not be decoded',
    });
    await expect(appGitHub({ installationId: 8 }).repo('demo/app').listReleases()).rejects.toMatchObject({ status: 404 });
  });

  it('finds the installation of the App on a repository, and says so when it is not installed there', async () => {
    server.state.addRepo('elsewhere/repo');
    const app = { appId: server.app!.id, privateKey: server.app!.privateKey };
    expect(await appInstallationFor(app, 'demo/app', { baseUrl: server.url, now: () => now })).toBe(7);
    await expect(appInstallationFor(app, 'elsewhere/repo', { baseUrl: server.url, now: () => now })).rejects.toMatchObject({
      status: 404,
      message: 'GitHub installation of App 4242 on elsewhere/repo: 404 Not Found',
      hint: 'install the GitHub App on the repository (or its organisation)',
    });
  });

  it('a key that is not PEM is refused when the client is made, saying so', () => {
    expect(() => appGitHub({ privateKey: 'not a key' })).toThrow(/^the private key of GitHub App 4242 is not a PEM private key \(/);
  });
});
