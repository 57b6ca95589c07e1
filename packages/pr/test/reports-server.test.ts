// Reports and notifications written through the real GitHub port against the local GitHub
// protocol server of @plumbing/test-utils (real HTTP; no real GitHub can run here).

import { createGitHub, type GitHub } from '@plumbing/github';
import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyCheckRun, applyFailureComment, applyGitHubActions, applyStatus } from '../src/apply.js';
import { applyNotifications, planNotifications } from '../src/notify/notify.js';
import type { NotifyConfig, NotifyEvent } from '../src/notify/types.js';
import { defaultPolicy } from '../src/policy.js';
import { checkRunPayload } from '../src/reports/check-run.js';
import { commitStatus } from '../src/reports/status.js';
import type { RunFacts } from '../src/runs.js';

const REPO = 'tektoncd/plumbing';
const SHA = 'c'.repeat(40);
const policy = defaultPolicy('tektoncd');

let server: GitHubServer;
let gh: GitHub;
let appGh: GitHub;
let pr: number;

beforeEach(async () => {
  server ??= await startGitHubServer({
    repos: [REPO],
    app: { installations: [{ id: 7, account: 'tektoncd' }] },
    seed: (s) => void s.addPull(REPO, { title: 'Change', user: 'mallory', headSha: SHA }),
  });
  server.reset();
  pr = server.state.repo(REPO).issues[0]?.number ?? 0;
  gh = createGitHub({ auth: { token: server.token }, baseUrl: server.url });
  // GitHub App mode: the app's JWT buys an installation token (check runs need an App).
  appGh = createGitHub({ auth: { app: { appId: server.app?.id ?? 0, privateKey: server.app?.privateKey ?? '', installationId: 7 } }, baseUrl: server.url });
});
afterAll(() => server?.close());

const run = (job: string, state: RunFacts['state'], o: Partial<RunFacts> = {}): RunFacts => ({
  name: `${job}-${state}`,
  job,
  sha: SHA,
  state,
  url: `https://ci.example.org/runs/${job}-${state}`,
  tasks: [{ name: 'build', state: state === 'failed' ? 'failed' : 'succeeded', durationMs: 1000 }],
  ...o,
});

describe('statuses and check runs (local GitHub protocol server)', () => {
  it('sets pending then the final state, one context per job, linking the run', async () => {
    await applyStatus(gh.repo(REPO), commitStatus(run('ci', 'queued'), policy));
    await applyStatus(gh.repo(REPO), commitStatus(run('ci', 'failed'), policy));
    await applyStatus(gh.repo(REPO), commitStatus(run('lint', 'succeeded', { durationMs: 3000 }), policy));
    const combined = await gh.repo(REPO).ciState(SHA);
    expect(combined.combined).toBe('failure');
    expect(server.state.repo(REPO).statuses.map((s) => [s.context, s.state, s.description, s.targetUrl])).toEqual([
      ['plumbing/ci', 'pending', 'Queued', 'https://ci.example.org/runs/ci-queued'],
      ['plumbing/ci', 'failure', 'Failed: task build failed', 'https://ci.example.org/runs/ci-failed'],
      ['plumbing/lint', 'success', 'Succeeded in 3s', 'https://ci.example.org/runs/lint-succeeded'],
    ]);
  });

  it('creates the check run queued, then completes it with 120 annotations sent at most 50 per request', async () => {
    const id = await applyCheckRun(appGh.repo(REPO), checkRunPayload(run('ci', 'queued'), policy));
    const findings = Array.from({ length: 120 }, (_, i) => ({ code: 'C', severity: 'warning' as const, message: `m${i}`, file: 'tasks/a.yaml', line: i + 1, column: 1 }));
    const same = await applyCheckRun(appGh.repo(REPO), checkRunPayload(run('ci', 'failed', { failingLog: 'token=hunter2-secret\nboom\n' }), policy, findings, ['hunter2-secret']), id);
    expect(same).toBe(id);
    const record = server.state.repo(REPO).checkRuns.find((c) => c.id === id);
    expect(record).toMatchObject({ name: 'plumbing/ci', status: 'completed', conclusion: 'failure', externalId: 'ci-failed', detailsUrl: 'https://ci.example.org/runs/ci-failed' });
    expect(record?.annotations).toHaveLength(120);
    expect(record?.output.summary).toContain('token=***');
    expect(record?.output.summary).not.toContain('hunter2-secret');
    const writes = server.requests.filter((r) => r.path.startsWith(`/repos/${REPO}/check-runs`) && r.method !== 'GET');
    expect(writes.map((r) => [r.method, ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length])).toEqual([
      ['POST', 0],
      ['PATCH', 50],
      ['PATCH', 50],
      ['PATCH', 20],
    ]);
  });

  it('/hold and /unhold set and release the hold status', async () => {
    const url = `https://github.com/${REPO}/pull/${pr}`;
    const left = await applyGitHubActions(gh.repo(REPO), pr, [{ kind: 'hold', by: 'alice', sha: SHA }, { kind: 'run', jobs: ['ci'], sha: SHA, bindSecrets: true, reason: 'x' }], policy, url);
    expect(left.map((a) => a.kind)).toEqual(['run']);
    await applyGitHubActions(gh.repo(REPO), pr, [{ kind: 'unhold', by: 'bob', sha: SHA }], policy, url);
    expect(server.state.repo(REPO).statuses.map((s) => [s.context, s.state])).toEqual([
      ['plumbing/hold', 'pending'],
      ['plumbing/hold', 'success'],
    ]);
  });
});

describe("crier's failure comment (local GitHub protocol server)", () => {
  it('is posted on the first failure, edited as results change, never duplicated', async () => {
    const repo = gh.repo(REPO);
    expect(await applyFailureComment(repo, pr, [run('ci', 'succeeded')], 'mallory', policy.bot)).toBeUndefined();
    expect(await applyFailureComment(repo, pr, [run('ci', 'failed')], 'mallory', policy.bot)).toMatchObject({ action: 'create' });
    expect(await applyFailureComment(repo, pr, [run('ci', 'failed'), run('e2e', 'failed')], 'mallory', policy.bot)).toMatchObject({ action: 'update' });
    expect(await applyFailureComment(repo, pr, [run('ci', 'failed'), run('e2e', 'failed')], 'mallory', policy.bot)).toMatchObject({ action: 'none' });
    expect(await applyFailureComment(repo, pr, [run('ci', 'failed'), run('e2e', 'failed'), run('ci', 'succeeded'), run('e2e', 'succeeded')], 'mallory', policy.bot)).toMatchObject({ action: 'update' });
    const comments = server.state.repo(REPO).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/^@mallory: all jobs \*\*passed\*\*\./);
  });
});

describe('the GitHub issue notifier (local GitHub protocol server)', () => {
  const config: NotifyConfig = { githubIssue: { repository: REPO, labels: ['kind/periodic-failure'] } };
  const event = (state: RunFacts['state'], previous?: 'succeeded' | 'failed'): NotifyEvent => ({ job: 'nightly', kind: 'periodic', repository: REPO, run: run('nightly', state), ...(previous ? { previous } : {}) });
  const ctx = () => ({ issues: (r: string) => ({ ...gh.repo(r), closeIssue: notInPort }) });
  const notInPort = async () => {
    throw new Error('the GitHub port has no closeIssue yet');
  };

  it('opens one issue on the first failure and comments on it while the job keeps failing', async () => {
    for (const e of [event('failed', 'succeeded'), event('failed', 'failed')]) {
      const outcomes = await applyNotifications(await planNotifications(e, config, ctx()), config, ctx());
      expect(outcomes.filter((o) => o.error)).toEqual([]);
    }
    const issues = server.state.repo(REPO).issues.filter((i) => !i.pull);
    expect(issues.map((i) => [i.title, i.state, i.labels])).toEqual([['Periodic job nightly is failing', 'open', ['kind/periodic-failure']]]);
    expect(server.state.repo(REPO).comments.map((c) => c.body)).toEqual([expect.stringMatching(/^Failed again\. Run \[nightly-failed\]/)]);
  });

  it('on recovery comments, then closes the issue (the close waits for the port to have closeIssue)', async () => {
    await applyNotifications(await planNotifications(event('failed'), config, ctx()), config, ctx());
    const steps = await planNotifications(event('succeeded', 'failed'), config, ctx());
    expect(steps.map((s) => s.action)).toEqual(['comment', 'close']);
    const outcomes = await applyNotifications(steps, config, ctx());
    expect(outcomes.map((o) => o.error?.message)).toEqual([undefined, 'the GitHub port has no closeIssue yet']);
    expect(server.state.repo(REPO).comments.map((c) => c.body)).toEqual([expect.stringMatching(/^Recovered: run \[nightly-succeeded\]/)]);
  });
});
