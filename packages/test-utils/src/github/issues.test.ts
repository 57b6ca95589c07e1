import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './server.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const REPO = { owner: 'tektoncd', repo: 'plumbing' };

let server: GitHubServer;
let gh: Octokit;

beforeEach(async () => {
  if (!server) {
    server = await startGitHubServer({ repos: ['tektoncd/plumbing'] });
    gh = new Octokit({ auth: server.token, baseUrl: server.url, log: quiet });
  }
  server.reset();
});
afterAll(() => server?.close());

/** 7 merged PRs into main (oldest first), 1 into release-v0.1.x, 1 open. */
function seedPulls() {
  const merged = [];
  for (let i = 1; i <= 7; i++) {
    merged.push(
      server.state.addPull('tektoncd/plumbing', {
        title: `change ${i}`,
        body: `body ${i}`,
        user: i % 2 ? 'alice' : 'bob',
        labels: i === 3 ? ['kind/feature'] : ['kind/bug'],
        createdAt: `2024-02-0${i}T00:00:00Z`,
        mergedAt: `2024-02-0${i}T12:00:00Z`,
      }),
    );
  }
  server.state.addPull('tektoncd/plumbing', { title: 'backport', baseRef: 'release-v0.1.x', createdAt: '2024-02-08T00:00:00Z', mergedAt: '2024-02-09T00:00:00Z' });
  server.state.addPull('tektoncd/plumbing', { title: 'still open', createdAt: '2024-02-10T00:00:00Z' });
  return merged;
}

describe('pull requests on the local GitHub API server, via @octokit/rest', () => {
  it('paginates closed PRs into main over 3 pages with Link headers (octokit.paginate)', async () => {
    seedPulls();
    const params = { ...REPO, state: 'closed' as const, base: 'main', sort: 'created' as const, direction: 'desc' as const, per_page: 3 };
    const first = await gh.rest.pulls.list(params);
    expect(first.data).toHaveLength(3);
    expect(first.headers.link).toMatch(/page=2[^>]*>; rel="next".*page=3[^>]*>; rel="last"/);

    const all = await gh.paginate(gh.rest.pulls.list, params);
    expect(all.map((p) => p.title)).toEqual(['change 7', 'change 6', 'change 5', 'change 4', 'change 3', 'change 2', 'change 1']);
    const pages = server.requests.filter((r) => r.path === '/repos/tektoncd/plumbing/pulls').map((r) => r.query['page'] ?? '1');
    expect(pages).toEqual(['1', '1', '2', '3']);
    expect(all[4]).toMatchObject({
      number: 3,
      state: 'closed',
      merged_at: '2024-02-03T12:00:00Z',
      user: { login: 'alice' },
      body: 'body 3',
      labels: [{ name: 'kind/feature' }],
      base: { ref: 'main' },
    });
    expect(all[4]?.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('lists open PRs by default and sorts ascending on request', async () => {
    seedPulls();
    expect((await gh.rest.pulls.list(REPO)).data.map((p) => p.title)).toEqual(['still open']);
    const asc = await gh.rest.pulls.list({ ...REPO, state: 'all', direction: 'asc', per_page: 2 });
    expect(asc.data.map((p) => p.number)).toEqual([1, 2]);
  });

  it('finds the PR that merged a commit', async () => {
    const [, second] = seedPulls();
    const sha = second?.pull?.mergeCommitSha ?? '';
    const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...REPO, commit_sha: sha });
    expect(data.map((p) => p.number)).toEqual([2]);
    expect((await gh.rest.pulls.get({ ...REPO, pull_number: 2 })).data.merge_commit_sha).toBe(sha);
  });
});

describe('issues and comments on the local GitHub API server, via @octokit/rest', () => {
  it('creates an issue with labels and lists it by state and labels', async () => {
    const { data: created, status } = await gh.rest.issues.create({ ...REPO, title: 'deploy failed: dogfooding', body: 'run 42', labels: ['deploy-failure', 'cluster/dogfooding'] });
    expect(status).toBe(201);
    expect(created).toMatchObject({ number: 1, state: 'open', user: { login: 'plumbing-bot' }, labels: [{ name: 'deploy-failure' }, { name: 'cluster/dogfooding' }] });
    await gh.rest.issues.create({ ...REPO, title: 'other', labels: ['deploy-failure'] });

    const both = await gh.rest.issues.listForRepo({ ...REPO, labels: 'deploy-failure,cluster/dogfooding' });
    expect(both.data.map((i) => i.title)).toEqual(['deploy failed: dogfooding']);
    await gh.rest.issues.update({ ...REPO, issue_number: 1, state: 'closed' });
    expect((await gh.rest.issues.listForRepo({ ...REPO, labels: 'deploy-failure' })).data.map((i) => i.number)).toEqual([2]);
    const closed = await gh.rest.issues.listForRepo({ ...REPO, state: 'closed' });
    expect(closed.data[0]).toMatchObject({ number: 1, state: 'closed', state_reason: 'completed' });
  });

  it('lists pull requests among issues, with a pull_request key, as GitHub does', async () => {
    server.state.addPull('tektoncd/plumbing', { title: 'a PR' });
    server.state.addIssue('tektoncd/plumbing', { title: 'an issue' });
    const { data } = await gh.rest.issues.listForRepo(REPO);
    expect(data.map((i) => [i.title, i.pull_request !== undefined])).toEqual([
      ['an issue', false],
      ['a PR', true],
    ]);
  });

  it('adds, lists and edits comments', async () => {
    const issue = server.state.addIssue('tektoncd/plumbing', { title: 'deploy failed' });
    const { data: c1 } = await gh.rest.issues.createComment({ ...REPO, issue_number: issue.number, body: 'failed again' });
    await gh.rest.issues.createComment({ ...REPO, issue_number: issue.number, body: 'and again' });
    await gh.rest.issues.updateComment({ ...REPO, comment_id: c1.id, body: 'failed again (run 43)' });
    const { data } = await gh.rest.issues.listComments({ ...REPO, issue_number: issue.number });
    expect(data.map((c) => c.body)).toEqual(['failed again (run 43)', 'and again']);
    expect((await gh.rest.issues.get({ ...REPO, issue_number: issue.number })).data.comments).toBe(2);
    const missing = await gh.rest.issues.createComment({ ...REPO, issue_number: 99, body: 'x' }).catch((e: { status: number }) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('answers 422 missing_field for an issue without a title', async () => {
    const res = await fetch(`${server.url}/repos/tektoncd/plumbing/issues`, { method: 'POST', headers: { authorization: `token ${server.token}` }, body: '{"body":"no title"}' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }], status: '422' });
  });
});
