import { join } from 'node:path';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'github-comment.yaml');
let root: string;
let gh: GitHubServer;
let token: string;
let pr: number;

beforeAll(async () => {
  root = await makeTempDir('github-comment-test-');
  gh = await startGitHubServer({
    repos: ['org/app'],
    seed: (s) => {
      const p = s.addPull('org/app', { title: 'a change' });
      pr = p.number;
      s.addComment('org/app', p.number, { body: 'LGTM', user: 'reviewer' });
    },
  });
  token = await secretDir(root, 'token', { token: gh.token });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await gh.close();
  await removeTempDir(root);
});

const comment = (body: string, p: Record<string, string> = {}) =>
  runTask(TASK, { params: { 'github-api-url': gh.url, repository: 'org/app', number: String(pr), body, ...p }, workspaces: { 'github-token': token } });
const comments = () => gh.state.repo('org/app').comments.map((c) => [c.user, c.body]);

describe('github-comment 0.1 on the local GitHub API server', () => {
  it('creates one comment, then updates the same one on re-runs instead of piling up', async () => {
    const first = await comment('Build started');
    expect(first.run.succeeded).toBe('True');
    expect(result(first.run, 'action')).toBe('created');
    const id = result(first.run, 'comment-id');
    expect(result(first.run, 'comment-url')).toMatch(/#issuecomment-\d+$/);
    const second = await comment('Build succeeded: [logs](https://logs.example/run-1)');
    expect(result(second.run, 'action')).toBe('updated');
    expect(result(second.run, 'comment-id')).toBe(id);
    const third = await comment('Build succeeded: [logs](https://logs.example/run-1)');
    expect(result(third.run, 'action')).toBe('unchanged');
    expect(comments()).toEqual([
      ['reviewer', 'LGTM'],
      ['plumbing-bot', 'Build succeeded: [logs](https://logs.example/run-1)\n\n<!-- plumbing-comment: plumbing -->'],
    ]);
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /repos/org/app/issues/${pr}/comments 200`,
      `POST /repos/org/app/issues/${pr}/comments 201`,
      `GET /repos/org/app/issues/${pr}/comments 200`,
      `PATCH /repos/org/app/issues/comments/${id} 200`,
      `GET /repos/org/app/issues/${pr}/comments 200`,
    ]);
  });

  it('keeps one comment per marker', async () => {
    await comment('image built', { marker: 'image-build' });
    await comment('ci passed', { marker: 'ci' });
    await comment('image rebuilt', { marker: 'image-build' });
    expect(comments().map(([, b]) => b)).toEqual([
      'LGTM',
      'image rebuilt\n\n<!-- plumbing-comment: image-build -->',
      'ci passed\n\n<!-- plumbing-comment: ci -->',
    ]);
  });

  it('fails clearly on bad params, an unknown issue or a rejected token', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['x', { number: 'abc' }, 'param number must be a pull request or issue number'],
      ['x', { marker: 'has space' }, 'param marker may hold letters'],
      ['  ', {}, 'param body is empty'],
      ['x', { number: '999' }, 'GitHub answered 404 to list the comments of #999'],
    ];
    for (const [body, p, message] of cases) {
      const { run, stderr } = await comment(body, p);
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
    const wrong = await secretDir(root, 'wrong', { token: 'nope' });
    const r = await runTask(TASK, { params: { 'github-api-url': gh.url, repository: 'org/app', number: String(pr), body: 'x' }, workspaces: { 'github-token': wrong } });
    expect(r.stderr).toContain('GitHub rejected the token in workspace github-token (401');
    expect(comments()).toEqual([['reviewer', 'LGTM']]);
  });
});
