import { createPrivateKey, sign } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './server.js';

// The port (@plumbing/github) is tested against these routes in its own package; here are the
// routes it does not call, through @octokit/rest.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let server: GitHubServer;
let now = Date.UTC(2026, 0, 1);

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'], app: { id: 9, slug: 'ci-app', installations: [{ id: 3, account: 'demo' }] }, now: () => now });
  server.reset();
  now = Date.UTC(2026, 0, 1);
});
afterAll(() => server?.close());

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(server.app!.privateKey)).toString('base64url')}`;
}
const t = () => Math.floor(now / 1000);
const asApp = (token = jwt({ iss: 9, iat: t() - 60, exp: t() + 540 })) => new Octokit({ auth: token, baseUrl: server.url, log: quiet });

describe('GitHub App routes on the local GitHub API server, via @octokit/rest', () => {
  it('answers GET /app and the installation of a repository to the App JWT', async () => {
    expect((await asApp().rest.apps.getAuthenticated()).data).toMatchObject({ id: 9, slug: 'ci-app' });
    expect((await asApp().rest.apps.getRepoInstallation({ owner: 'demo', repo: 'app' })).data).toMatchObject({ id: 3, app_id: 9, account: { login: 'demo' } });
  });

  it('issues installation tokens valid one hour, and refuses them once expired with 401 Bad credentials', async () => {
    const { data } = await asApp().rest.apps.createInstallationAccessToken({ installation_id: 3 });
    expect(data.expires_at).toBe('2026-01-01T01:00:00Z');
    const inst = new Octokit({ auth: data.token, baseUrl: server.url, log: quiet });
    await expect(inst.rest.repos.get({ owner: 'demo', repo: 'app' })).resolves.toMatchObject({ status: 200 });
    now += 3600_000;
    await expect(inst.rest.repos.get({ owner: 'demo', repo: 'app' })).rejects.toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });
  });

  it('refuses JWTs as GitHub does: expired, too long-lived, from the future, for another app, or on a non-App route', async () => {
    const refused = (token: string) => asApp(token).rest.apps.getAuthenticated().catch((e: { status: number; response: { data: { message: string } } }) => [e.status, e.response.data.message]);
    expect(await refused(jwt({ iss: 9, iat: t() - 700, exp: t() - 1 }))).toEqual([401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires."]);
    expect(await refused(jwt({ iss: 9, iat: t(), exp: t() + 3600 }))).toEqual([401, "'Expiration time' claim ('exp') is too far in the future."]);
    expect(await refused(jwt({ iss: 9, iat: t() + 600, exp: t() + 601 }))).toEqual([401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued."]);
    expect(await refused(jwt({ iss: 10, iat: t(), exp: t() + 60 }))).toEqual([401, 'Integration not found']);
    expect(await refused(`${jwt({ iss: 9, iat: t(), exp: t() + 60 })}x`)).toEqual([401, 'A JSON web token could not be decoded']);
    await expect(asApp().rest.repos.get({ owner: 'demo', repo: 'app' })).rejects.toMatchObject({ status: 403 });
    await expect(new Octokit({ auth: server.token, baseUrl: server.url, log: quiet }).rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  it('serves a check run and its annotations (paginated) by id', async () => {
    const { data } = await asApp().rest.apps.createInstallationAccessToken({ installation_id: 3 });
    const inst = new Octokit({ auth: data.token, baseUrl: server.url, log: quiet });
    const sha = 'a'.repeat(40);
    const annotations = Array.from({ length: 3 }, (_, i) => ({ path: 'x.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, message: `m${i}` }));
    const run = await inst.rest.checks.create({ owner: 'demo', repo: 'app', name: 'ci', head_sha: sha, output: { title: 't', summary: 's', annotations } });
    expect(run.data).toMatchObject({ app: { slug: 'ci-app' }, output: { title: 't', summary: 's', annotations_count: 3 } });
    expect((await inst.rest.checks.get({ owner: 'demo', repo: 'app', check_run_id: run.data.id })).data.id).toBe(run.data.id);
    const listed = await inst.paginate(inst.rest.checks.listAnnotations, { owner: 'demo', repo: 'app', check_run_id: run.data.id, per_page: 2 });
    expect(listed.map((a) => a.message)).toEqual(['m0', 'm1', 'm2']);
    const tooMany = Array.from({ length: 51 }, () => annotations[0]!);
    await expect(inst.rest.checks.update({ owner: 'demo', repo: 'app', check_run_id: run.data.id, output: { title: 't', summary: 's', annotations: tooMany } })).rejects.toMatchObject({ status: 422 });
    await expect(inst.rest.checks.update({ owner: 'demo', repo: 'app', check_run_id: run.data.id, status: 'completed' })).rejects.toMatchObject({ status: 422 });
  });
});
