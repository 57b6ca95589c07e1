import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub, type GitHubRepo } from './github.js';

let server: GitHubServer;
let repo: GitHubRepo;

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'] });
  server.reset();
  repo = createGitHub({ auth: { token: server.token }, baseUrl: server.url }).repo('demo/app');
});
afterAll(() => server?.close());

describe('issues through the port (local GitHub protocol server)', () => {
  it('opens an issue, then comments on it while it is open, then opens a new one once it is closed', async () => {
    const first = await repo.openOrComment({ title: 'Deploy of prod is failing', body: 'one', labels: ['deploy-failure', 'prod'] });
    expect(first).toMatchObject({ action: 'opened', number: 1 });
    expect(first.url).toMatch(/\/demo\/app\/issues\/1$/);
    const second = await repo.openOrComment({ title: 'Deploy of prod is failing', body: 'two', labels: ['deploy-failure', 'prod'] });
    expect(second).toEqual({ ...first, action: 'commented' });
    expect(server.state.repo('demo/app').comments.map((c) => [c.issueNumber, c.body])).toEqual([[1, 'two']]);
    server.state.repo('demo/app').issues[0]!.state = 'closed';
    const third = await repo.openOrComment({ title: 'Deploy of prod is failing', body: 'three', labels: ['deploy-failure'] });
    expect(third).toMatchObject({ action: 'opened', number: 2 });
    expect(server.state.repo('demo/app').issues[1]!.labels).toEqual(['deploy-failure']);
  });

  it('closes an issue as completed, and findOpenIssue no longer finds it', async () => {
    const n = await repo.createIssue('Periodic job nightly is failing', 'x', ['kind/failure']);
    expect(await repo.findOpenIssue('Periodic job nightly is failing', 'kind/failure')).toBe(n);
    await repo.closeIssue(n);
    expect(server.state.repo('demo/app').issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(await repo.findOpenIssue('Periodic job nightly is failing', 'kind/failure')).toBeUndefined();
  });

  it('finds the open issue by a marker in its body when one is given, whatever its title', async () => {
    const marker = '<!-- plumbing:job=nightly -->';
    const opened = await repo.openOrComment({ title: 'nightly failed on Monday', body: 'first', marker });
    expect(server.state.repo('demo/app').issues[0]!.body).toBe(`first\n\n${marker}`);
    const again = await repo.openOrComment({ title: 'nightly failed on Tuesday', body: 'second', marker });
    expect(again).toEqual({ ...opened, action: 'commented' });
  });

  it('does not take a pull request with the same title for the issue', async () => {
    server.state.addPull('demo/app', { title: 'Release failed' });
    const r = await repo.openOrComment({ title: 'Release failed', body: 'x' });
    expect(r).toMatchObject({ action: 'opened', number: 2 });
  });

  it('lists, updates, finds by marker and deletes comments', async () => {
    const n = await repo.createIssue('t', 'b', []);
    await repo.comment(n, 'plain');
    const sticky = await repo.comment(n, 'status: pending <!-- plumbing:status -->');
    const updated = await repo.updateComment(sticky.id, 'status: done <!-- plumbing:status -->');
    expect(updated).toMatchObject({ id: sticky.id, body: 'status: done <!-- plumbing:status -->', author: 'plumbing-bot' });
    expect((await repo.findComment(n, '<!-- plumbing:status -->'))?.id).toBe(sticky.id);
    expect(await repo.findComment(n, '<!-- other -->')).toBeUndefined();
    await repo.deleteComment(sticky.id);
    expect((await repo.listComments(n)).map((c) => c.body)).toEqual(['plain']);
  });
});
