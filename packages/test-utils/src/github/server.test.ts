import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './server.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const REPO = { owner: 'tektoncd', repo: 'plumbing' };

let server: GitHubServer;
let gh: Octokit;

beforeEach(async () => {
  if (!server) {
    server = await startGitHubServer({ repos: ['tektoncd/plumbing'], token: 'ghp_secretsecretsecret' });
    gh = new Octokit({ auth: server.token, baseUrl: server.url, log: quiet });
  }
  server.reset();
});
afterAll(() => server?.close());

type Failure = { status: number; response: { data: unknown; headers: Record<string, string> } };
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Failure) => e);

describe('startGitHubServer auth', () => {
  it('accepts "token X" and "Bearer X"', async () => {
    for (const scheme of ['token', 'Bearer']) {
      const res = await fetch(`${server.url}/repos/tektoncd/plumbing`, { headers: { authorization: `${scheme} ${server.token}` } });
      expect(res.status).toBe(200);
    }
  });

  it('answers 401 Bad credentials for a wrong token and Requires authentication for none', async () => {
    const wrong = new Octokit({ auth: 'ghp_wrong', baseUrl: server.url, log: quiet });
    expect(await failure(wrong.rest.repos.get(REPO))).toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } },
    });
    const anonymous = new Octokit({ baseUrl: server.url, log: quiet });
    expect(await failure(anonymous.rest.repos.get(REPO))).toMatchObject({ status: 401, response: { data: { message: 'Requires authentication' } } });
  });

  it('lets anonymous reads through when asked, but not writes', async () => {
    const open = await startGitHubServer({ repos: ['tektoncd/plumbing'], anonymousReads: true });
    try {
      const anonymous = new Octokit({ baseUrl: open.url, log: quiet });
      expect((await anonymous.rest.repos.get(REPO)).status).toBe(200);
      expect(await failure(anonymous.rest.issues.create({ ...REPO, title: 'x' }))).toMatchObject({ status: 401 });
    } finally {
      await open.close();
    }
  });
});

describe('startGitHubServer requests and headers', () => {
  it('records every request with the Authorization header redacted, and never the token', async () => {
    await gh.rest.issues.create({ ...REPO, title: 'hello', labels: ['a'] });
    await failure(new Octokit({ auth: 'ghp_wrongwrong', baseUrl: server.url, log: quiet }).rest.repos.get(REPO));
    expect(server.requests).toMatchObject([
      { method: 'POST', host: 'api', path: '/repos/tektoncd/plumbing/issues', query: {}, body: { title: 'hello', labels: ['a'] }, status: 201, headers: { authorization: '[REDACTED]' } },
      { method: 'GET', path: '/repos/tektoncd/plumbing', body: undefined, status: 401, headers: { authorization: '[REDACTED]' } },
    ]);
    const text = JSON.stringify(server.requests);
    expect(text).not.toContain(server.token);
    expect(text).not.toContain('ghp_wrongwrong');
  });

  it('resolves a wait for a request already recorded or still to come', async () => {
    await gh.rest.issues.create({ ...REPO, title: 'first' });
    const seen = await server.request((r) => r.method === 'POST' && (r.body as { title?: string }).title === 'first');
    expect(seen).toMatchObject({ path: '/repos/tektoncd/plumbing/issues', status: 201 });
    const later = server.request((r) => r.method === 'POST' && (r.body as { title?: string }).title === 'second');
    await gh.rest.issues.create({ ...REPO, title: 'second' });
    expect(await later).toMatchObject({ path: '/repos/tektoncd/plumbing/issues', status: 201, body: { title: 'second' } });
  });

  it('sends x-ratelimit-* headers on every response, counting down', async () => {
    const a = await gh.rest.repos.get(REPO);
    const b = await failure(gh.rest.repos.get({ owner: 'x', repo: 'y' }));
    expect(a.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(a.headers['x-ratelimit-remaining'])).toBe(4999);
    expect(b?.response.headers['x-ratelimit-remaining']).toBe('4998');
    expect(Number(a.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers unknown routes with 404 Not Found in GitHub\'s shape', async () => {
    const res = await fetch(`${server.url}/no/such/route`, { headers: { authorization: `token ${server.token}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  });

  it('answers 400 Problems parsing JSON for a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/repos/tektoncd/plumbing/issues`, { method: 'POST', headers: { authorization: `token ${server.token}` }, body: 'title=x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });

  it('reset() clears state back to the seed, requests and faults', async () => {
    await gh.rest.issues.create({ ...REPO, title: 'x' });
    server.inject({ status: 500 });
    server.reset();
    expect(server.requests).toEqual([]);
    expect(server.state.repo('tektoncd/plumbing').issues).toEqual([]);
    expect((await gh.rest.repos.get(REPO)).status).toBe(200);
  });
});

describe('startGitHubServer fault injection', () => {
  it('fails the matching request n times with a 5xx, then succeeds', async () => {
    const fault = server.inject({ method: 'POST', path: /\/releases$/, status: 502, times: 2 });
    const create = () => gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0' });
    expect(await failure(create())).toMatchObject({ status: 502, response: { data: { message: 'Bad Gateway', status: '502' } } });
    expect((await gh.rest.repos.get(REPO)).status).toBe(200); // other routes are unaffected
    expect(await failure(create())).toMatchObject({ status: 502 });
    expect((await create()).status).toBe(201);
    expect(fault.hits).toBe(2);
    expect(server.state.repo('tektoncd/plumbing').releases).toHaveLength(1);
  });

  it('a retry loop over 503s gets through', async () => {
    server.inject({ path: '/repos/tektoncd/plumbing', status: 503, times: 3 });
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const res = await failure(gh.rest.repos.get(REPO));
      if (res === undefined) break;
      expect(res.status).toBe(503);
    }
    expect(attempts).toBe(4);
  });

  it('simulates the primary rate limit: 403 with x-ratelimit-remaining 0 and a reset time', async () => {
    server.inject({ rateLimit: true, status: 403, times: 1, retryAfter: 30 });
    const err = await failure(gh.rest.repos.get(REPO));
    expect(err).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' }, data: { message: expect.stringContaining('rate limit') } } });
    const reset = Number(err?.response.headers['x-ratelimit-reset']);
    expect(reset - Date.now() / 1000).toBeGreaterThan(25);
    expect((await gh.rest.repos.get(REPO)).status).toBe(200);
  });

  it('simulates the secondary rate limit: 429 with retry-after', async () => {
    server.inject({ rateLimit: true, status: 429, retryAfter: 2, times: 1 });
    expect(await failure(gh.rest.issues.create({ ...REPO, title: 'x' }))).toMatchObject({ status: 429, response: { headers: { 'retry-after': '2' } } });
  });

  it('a removed fault stops matching', async () => {
    const fault = server.inject({ status: 500 });
    expect(await failure(gh.rest.repos.get(REPO))).toMatchObject({ status: 500 });
    fault.remove();
    expect((await gh.rest.repos.get(REPO)).status).toBe(200);
  });
});
