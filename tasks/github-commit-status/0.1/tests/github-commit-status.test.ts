import { join } from 'node:path';
import { type GitHubServer, fakeSha, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'github-commit-status.yaml');
const SHA = fakeSha('head');
let root: string;
let gh: GitHubServer;
let token: string;

beforeAll(async () => {
  root = await makeTempDir('github-commit-status-test-');
  gh = await startGitHubServer({ repos: ['org/app'] });
  token = await secretDir(root, 'good', { token: `${gh.token}\n` });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await gh.close();
  await removeTempDir(root);
});

const params = (p: Record<string, string> = {}) => ({ 'github-api-url': gh.url, repository: 'org/app', sha: SHA, state: 'success', ...p });

describe('github-commit-status 0.1 on the local GitHub API server', () => {
  it('sets the status with its context, description and a link to the logs', async () => {
    const { run, code } = await runTask(TASK, {
      params: params({ state: 'pending', context: 'tekton/ci', description: 'running', 'target-url': 'https://dashboard.example/#/runs/ci-abc' }),
      workspaces: { 'github-token': token },
    });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'state')).toBe('pending');
    expect(gh.requests.map((r) => [r.method, r.path, r.status, r.body])).toEqual([
      ['POST', `/repos/org/app/statuses/${SHA}`, 201, { state: 'pending', context: 'tekton/ci', description: 'running', target_url: 'https://dashboard.example/#/runs/ci-abc' }],
    ]);
  });

  it("maps Tekton's aggregate status (Succeeded, Completed, Failed, None) to GitHub's states", async () => {
    for (const [tekton, github] of [['Succeeded', 'success'], ['Completed', 'success'], ['Failed', 'failure'], ['None', 'pending']]) {
      const { run } = await runTask(TASK, { params: params({ state: tekton!, context: `c-${tekton}` }), workspaces: { 'github-token': token } });
      expect(result(run, 'state')).toBe(github);
    }
    expect(gh.state.repo('org/app').statuses.map((s) => [s.context, s.state])).toEqual([
      ['c-Succeeded', 'success'], ['c-Completed', 'success'], ['c-Failed', 'failure'], ['c-None', 'pending'],
    ]);
  });

  it('retries a 5xx from GitHub', async () => {
    const fault = gh.inject({ method: 'POST', status: 502, times: 1 });
    const { run } = await runTask(TASK, { params: params(), workspaces: { 'github-token': token } });
    expect(run.succeeded).toBe('True');
    expect(fault.hits).toBe(1);
    expect(gh.requests.map((r) => r.status)).toEqual([502, 201]);
  });

  it('says which credential is wrong: a rejected token, a missing key, an empty key', async () => {
    const wrong = await secretDir(root, 'wrong', { token: 'ghp_wrong_token_123' });
    const r1 = await runTask(TASK, { params: params(), workspaces: { 'github-token': wrong } });
    expect(r1.run.succeeded).toBe('False');
    expect(r1.stderr).toContain('GitHub rejected the token in workspace github-token (401 Bad credentials)');
    expect(r1.stderr).not.toContain('ghp_wrong_token_123');
    const other = await secretDir(root, 'other', { password: 'x' });
    const r2 = await runTask(TASK, { params: params(), workspaces: { 'github-token': other } });
    expect(r2.stderr).toContain('workspace github-token has no key "token" (it has: password)');
    const empty = await secretDir(root, 'empty', { token: '\n' });
    const r3 = await runTask(TASK, { params: params(), workspaces: { 'github-token': empty } });
    expect(r3.stderr).toContain('key "token" is empty');
    const r4 = await runTask(TASK, { params: params() });
    expect(r4.stderr).toContain('workspace github-token is not bound: bind a Secret');
    expect(gh.requests.filter((r) => r.status === 201)).toEqual([]);
  });

  it('rejects bad params before calling GitHub', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ sha: 'abc123' }, 'param sha must be a full commit SHA'],
      [{ state: 'green' }, 'param state must be one of pending, success, failure, error, Succeeded'],
      [{ repository: 'app' }, 'param repository must be owner/name'],
      [{ 'target-url': 'javascript:alert(1)' }, 'param target-url must be an http(s) URL'],
    ];
    for (const [p, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params: params(p), workspaces: { 'github-token': token } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
    expect(gh.requests).toEqual([]);
  });

  it('explains a 404 (no such repository)', async () => {
    const { run, stderr } = await runTask(TASK, { params: params({ repository: 'org/nope' }), workspaces: { 'github-token': token } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('GitHub answered 404 to set the status');
  });
});
