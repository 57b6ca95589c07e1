import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { combinedState } from './routes-statuses.js';
import { type GitHubServer, startGitHubServer } from './server.js';

const run = promisify(execFile);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const REPO = { owner: 'tektoncd', repo: 'plumbing' };
const SHA = 'c'.repeat(40);

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

const combined = async (ref = SHA) => (await gh.rest.repos.getCombinedStatusForRef({ ...REPO, ref })).data;
const post = (state: 'error' | 'failure' | 'pending' | 'success', context: string) => gh.rest.repos.createCommitStatus({ ...REPO, sha: SHA, state, context });

describe('combinedState (GitHub\'s rule over the latest status per context)', () => {
  it('is pending with no statuses, failure on any error or failure, pending on any pending, else success', () => {
    expect(combinedState([])).toBe('pending');
    expect(combinedState([{ state: 'success' }, { state: 'error' }])).toBe('failure');
    expect(combinedState([{ state: 'pending' }, { state: 'failure' }])).toBe('failure');
    expect(combinedState([{ state: 'success' }, { state: 'pending' }])).toBe('pending');
    expect(combinedState([{ state: 'success' }, { state: 'success' }])).toBe('success');
  });
});

describe('commit statuses and check runs on the local GitHub API server', () => {
  it('combines only the latest status of each context (via @octokit/rest)', async () => {
    expect(await combined()).toMatchObject({ state: 'pending', total_count: 0, statuses: [], sha: SHA });
    await post('pending', 'ci/build');
    await post('success', 'ci/test');
    expect((await combined()).state).toBe('pending');
    await post('success', 'ci/build');
    expect(await combined()).toMatchObject({ state: 'success', total_count: 2 });
    await post('error', 'ci/lint');
    expect((await combined()).state).toBe('failure');
    await post('success', 'ci/lint');
    const c = await combined();
    expect(c.state).toBe('success');
    expect(c.statuses.map((s) => [s.context, s.state])).toEqual([
      ['ci/lint', 'success'],
      ['ci/build', 'success'],
      ['ci/test', 'success'],
    ]);
  });

  it('resolves a branch or tag name to its commit, and lists every status newest first', async () => {
    server.state.setRef('tektoncd/plumbing', 'tags/v1.0.0', SHA);
    await post('failure', 'deploy/dogfooding');
    await post('success', 'deploy/dogfooding');
    expect((await combined('v1.0.0')).state).toBe('success');
    const { data } = await gh.rest.repos.listCommitStatusesForRef({ ...REPO, ref: 'v1.0.0' });
    expect(data.map((s) => s.state)).toEqual(['success', 'failure']);
    const missing = await gh.rest.repos.getCombinedStatusForRef({ ...REPO, ref: 'no-such-branch' }).catch((e: { status: number }) => e);
    expect(missing).toMatchObject({ status: 422 });
  });

  it('answers 422 for a state outside error/failure/pending/success', async () => {
    const res = await fetch(`${server.url}/repos/tektoncd/plumbing/statuses/${SHA}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{"state":"done"}' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Status', field: 'state' }] });
    expect(server.state.repo('tektoncd/plumbing').statuses).toEqual([]);
  });

  it('lists seeded check runs, the latest per name by default', async () => {
    server.state.addCheckRun('tektoncd/plumbing', { headSha: SHA, name: 'build', conclusion: 'failure' });
    server.state.addCheckRun('tektoncd/plumbing', { headSha: SHA, name: 'build', conclusion: 'success' });
    server.state.addCheckRun('tektoncd/plumbing', { headSha: SHA, name: 'e2e', status: 'in_progress' });
    const { data } = await gh.rest.checks.listForRef({ ...REPO, ref: SHA });
    expect(data.total_count).toBe(2);
    expect(data.check_runs.map((c) => [c.name, c.status, c.conclusion])).toEqual([
      ['e2e', 'in_progress', null],
      ['build', 'completed', 'success'],
    ]);
    expect((await gh.rest.checks.listForRef({ ...REPO, ref: SHA, filter: 'all' })).data.total_count).toBe(3);
  });

  it('accepts a status POST from curl, as the catalog tasks send it', async () => {
    const body = JSON.stringify({ state: 'success', context: 'tekton/catalog', description: 'all green', target_url: 'https://dashboard.example/run/1' });
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      '-H',
      `Authorization: token ${server.token}`,
      '-H',
      'Accept: application/vnd.github+json',
      '--data',
      body,
      '-w',
      '\n%{http_code}',
      `${server.url}/repos/tektoncd/plumbing/statuses/${SHA}`,
    ]);
    const [json, code] = stdout.split('\n');
    expect(code).toBe('201');
    expect(JSON.parse(json ?? '')).toMatchObject({ state: 'success', context: 'tekton/catalog', description: 'all green', creator: { login: 'plumbing-bot' } });
    expect(server.state.repo('tektoncd/plumbing').statuses).toMatchObject([{ sha: SHA, state: 'success', context: 'tekton/catalog' }]);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', status: 201, headers: { authorization: '[REDACTED]' }, body: { state: 'success' } });
  });

  it('answers curl without a token with 401 and GitHub\'s error body', async () => {
    const { stdout } = await run('curl', ['-sS', '-X', 'POST', '--data', '{"state":"success"}', '-w', '\n%{http_code}', `${server.url}/repos/tektoncd/plumbing/statuses/${SHA}`]);
    const [json, code] = stdout.split('\n');
    expect(code).toBe('401');
    expect(JSON.parse(json ?? '')).toEqual({ message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
  });
});
