import { fakeSha, type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { annotationBatches } from './checks.js';
import { GitHubError } from './errors.js';
import { createGitHub, type GitHubRepo } from './github.js';
import type { CheckAnnotation } from './types.js';

const SHA = fakeSha('head');
let server: GitHubServer;
let app: GitHubRepo;

beforeEach(async () => {
  if (!server) server = await startGitHubServer({ repos: ['demo/app'], app: { installations: [{ id: 1, account: 'demo' }] } });
  server.reset();
  app = createGitHub({ auth: { app: { appId: server.app!.id, privateKey: server.app!.privateKey, installationId: 1 } }, baseUrl: server.url }).repo('demo/app');
});
afterAll(() => server?.close());

const annotations = (n: number): CheckAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({ path: `tasks/t${i}.yaml`, startLine: i + 1, endLine: i + 1, startColumn: 3, endColumn: 9, level: 'failure', message: `finding ${i}` }));

const checkRunWrites = () => server.requests.filter((r) => r.path.includes('/check-runs') && r.method !== 'GET');

describe('check runs through the port (local GitHub protocol server)', () => {
  it('batches annotations 50 per request: 120 go as one create and two updates, all stored in order', async () => {
    const run = await app.createCheckRun({
      name: 'plumbing / check',
      headSha: SHA,
      status: 'in_progress',
      detailsUrl: 'http://ci.example/runs/1',
      output: { title: '120 findings', summary: 'see annotations', annotations: annotations(120) },
    });
    expect(checkRunWrites().map((r) => [r.method, ((r.body as { output: { annotations: unknown[] } }).output.annotations ?? []).length])).toEqual([
      ['POST', 50],
      ['PATCH', 50],
      ['PATCH', 20],
    ]);
    const stored = server.state.repo('demo/app').checkRuns.find((c) => c.id === run.id)!;
    expect(stored.annotations.map((a) => a.message)).toEqual(annotations(120).map((a) => a.message));
    expect(stored.annotations[0]).toMatchObject({ path: 'tasks/t0.yaml', startLine: 1, startColumn: 3, endColumn: 9, level: 'failure' });
    expect(run).toMatchObject({ name: 'plumbing / check', headSha: SHA, status: 'in_progress', conclusion: null, detailsUrl: 'http://ci.example/runs/1' });
  });

  it('completes a run with a conclusion and a summary, and lists it for the commit', async () => {
    const run = await app.createCheckRun({ name: 'ci', headSha: SHA, status: 'queued' });
    const done = await app.updateCheckRun(run.id, { conclusion: 'failure', output: { title: 'failed', summary: '| task | state |\n|---|---|\n| build | failed |', text: 'last lines' } });
    expect(done).toMatchObject({ id: run.id, status: 'completed', conclusion: 'failure' });
    expect(server.state.repo('demo/app').checkRuns[0]!.output).toEqual({ title: 'failed', summary: '| task | state |\n|---|---|\n| build | failed |', text: 'last lines' });
    expect(await app.listCheckRuns(SHA)).toEqual([done]);
    expect((await app.ciState(SHA)).checkRuns).toEqual([{ name: 'ci', status: 'completed', conclusion: 'failure' }]);
  });

  it('drops columns on a multi-line annotation (GitHub refuses them) and cuts a summary past 65,535 characters', async () => {
    await app.createCheckRun({
      name: 'ci',
      headSha: SHA,
      conclusion: 'success',
      output: { title: 't', summary: 'x'.repeat(70_000), annotations: [{ path: 'a.yaml', startLine: 1, endLine: 3, startColumn: 1, endColumn: 2, level: 'warning', message: 'm' }] },
    });
    const stored = server.state.repo('demo/app').checkRuns[0]!;
    expect(stored.annotations[0]).toMatchObject({ startLine: 1, endLine: 3, startColumn: null, endColumn: null });
    expect(stored.output.summary).toHaveLength(65_535);
    expect(stored.output.summary).toMatch(/cut to fit GitHub's limit\)$/);
  });

  it('a token that is not a GitHub App cannot write check runs: a 403 GitHubError', async () => {
    const withToken = createGitHub({ auth: { token: server.token }, baseUrl: server.url }).repo('demo/app');
    const e = await withToken.createCheckRun({ name: 'ci', headSha: SHA }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitHubError);
    expect(e).toMatchObject({ status: 403, message: `GitHub create check run ci for ${SHA.slice(0, 12)} on demo/app: 403 You must authenticate via a GitHub App.` });
  });

  it('annotationBatches: none is one empty batch; 50 one batch; 51 two', () => {
    expect(annotationBatches([]).map((b) => b.length)).toEqual([0]);
    expect(annotationBatches(annotations(50)).map((b) => b.length)).toEqual([50]);
    expect(annotationBatches(annotations(51)).map((b) => b.length)).toEqual([50, 1]);
  });
});

describe('commit statuses through the port (local GitHub protocol server)', () => {
  it('sets a status with a target URL, the description cut to 140 characters, and reads it back combined', async () => {
    const repo = createGitHub({ auth: { token: server.token }, baseUrl: server.url }).repo('demo/app');
    await repo.createStatus(SHA, { state: 'pending', context: 'plumbing/ci', description: 'd'.repeat(200), targetUrl: 'http://ci.example/runs/2' });
    await repo.createStatus(SHA, { state: 'success', context: 'plumbing/ci' });
    expect(server.state.repo('demo/app').statuses[0]).toMatchObject({ description: 'd'.repeat(140), targetUrl: 'http://ci.example/runs/2', creator: 'plumbing-bot' });
    expect(await repo.ciState(SHA)).toEqual({ combined: 'success', statuses: [{ context: 'plumbing/ci', state: 'success' }], checkRuns: [] });
  });
});
