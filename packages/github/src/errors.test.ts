import { PlumbingError } from '@plumbing/model';
import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubError } from './errors.js';
import { createGitHub } from './github.js';

let server: GitHubServer;
const token = 'ghp_secretsecretsecret0123456789';

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'], token });
  server.reset();
});
afterAll(() => server?.close());

async function failure(p: Promise<unknown>): Promise<GitHubError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GitHubError);
  expect(e).toBeInstanceOf(PlumbingError);
  return e as GitHubError;
}

describe('GitHub failures through the port (local GitHub protocol server)', () => {
  const repo = () => createGitHub({ auth: { token }, baseUrl: server.url }).repo('demo/app');

  it('a 404 says what was asked, with GitHub status and message, and a hint', async () => {
    const e = await failure(createGitHub({ auth: { token }, baseUrl: server.url }).repo('demo/nope').createIssue('t', 'b', []));
    expect(e).toMatchObject({ code: 'GITHUB_API', status: 404, message: 'GitHub create issue on demo/nope: 404 Not Found' });
    expect(e.hint).toMatch(/not found/);
  });

  it('a 401 (a wrong token) never shows the token, in the message, the hint or the cause', async () => {
    const wrong = 'ghp_wrongwrongwrongwrong0123456789';
    const e = await failure(createGitHub({ auth: { token: wrong }, baseUrl: server.url }).repo('demo/app').listReleases());
    expect(e).toMatchObject({ status: 401, message: 'GitHub list releases on demo/app: 401 Bad credentials' });
    const everything = JSON.stringify({ m: e.message, h: e.hint, s: e.stack, c: String(e.cause) });
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(token);
  });

  it('a 403 (rate limit) and a 422 (with GitHub field errors) become our error', async () => {
    server.inject({ path: '/repos/demo/app/issues', method: 'POST', status: 403, rateLimit: true, times: 1 });
    const limited = await failure(repo().createIssue('t', 'b', []));
    expect(limited).toMatchObject({ status: 403, message: 'GitHub create issue on demo/app: 403 API rate limit exceeded for user ID 1.' });
    expect(limited.hint).toMatch(/rate limited/);
    await repo().createTag('v1', 'a'.repeat(40)).catch(() => undefined);
    const e = await failure(repo().createRelease({ tagName: '', targetCommitish: 'main', name: 'x', body: '', draft: true, prerelease: false, makeLatest: 'false' }));
    expect(e.status).toBe(422);
    expect(e.message).toMatch(/^GitHub create release on demo\/app: 422 Validation Failed \(.+\)$/);
  });

  it('a bad repository name is refused before any request', () => {
    expect(() => createGitHub({ auth: { token }, baseUrl: server.url }).repo('no-slash')).toThrow(/bad repository "no-slash": expected owner\/name/);
  });

  it('a server that does not answer is a GitHubError without a status', async () => {
    const e = await failure(createGitHub({ auth: { token }, baseUrl: 'http://127.0.0.1:1' }).repo('demo/app').listReleases());
    expect(e.status).toBeUndefined();
    expect(e.message).toMatch(/^GitHub list releases on demo\/app: no answer /);
  });
});
