// The jobs and repositories pages, served by a real plumbing serve over a real SQLite store.
import { type PullRequestState, recordPullRequest, type RunningService } from '@plumbing/serve';
import { removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStale, nextTick, periodMs } from './jobs-page.js';
import { runRow, serveDashboard } from '../test/serve-dashboard.js';

const NOW = new Date('2026-12-07T12:30:30.000Z');

describe('nextTick and periodMs', () => {
  it('finds the next matching minute in UTC and the period between ticks', () => {
    expect(nextTick('0 * * * *', NOW)?.toISOString()).toBe('2026-12-07T13:00:00.000Z');
    expect(nextTick('0 0 3 * * *', NOW)?.toISOString()).toBe('2026-12-08T03:00:00.000Z');
    expect(nextTick('0 0 1 1 *', NOW)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextTick('(no longer scheduled)', NOW)).toBeUndefined();
    expect(periodMs('*/15 * * * *', NOW)).toBe(15 * 60_000);
    expect(periodMs('0 2 * * *', NOW)).toBe(86_400_000);
  });

  it('marks a job stale when its last success is older than two periods', () => {
    const job = { name: 'hourly', schedule: '0 * * * *' };
    expect(isStale({ job, lastSuccess: '2026-12-07T10:35:00.000Z', lastRun: undefined }, NOW)).toBe(false);
    expect(isStale({ job, lastSuccess: '2026-12-07T10:25:00.000Z', lastRun: undefined }, NOW)).toBe(true);
  });
});

describe('jobs and repositories pages (real serve, real SQLite)', () => {
  let root: string;
  let svc: RunningService;
  beforeAll(async () => {
    ({ root, svc } = await serveDashboard({ now: () => NOW, config: { exportBaseUrl: 'https://logs.example.org/plumbing/' }, jobs: [{ name: 'hourly-deploy', schedule: '0 * * * *' }, { name: 'nightly-release', schedule: '0 2 * * *' }] }));
    const s = svc.core.store;
    const periodic = { kind: 'periodic' as const, resourceKind: 'Job' as const, repository: null, pullRequest: null };
    await s.insertRun(runRow('deploy-1', { ...periodic, job: 'hourly-deploy', created: '2026-12-07T09:00:00.000Z', finished: '2026-12-07T09:01:00.000Z' }));
    await s.insertRun(runRow('deploy-2', { ...periodic, job: 'hourly-deploy', state: 'failed', created: '2026-12-07T12:00:00.000Z' }));
    await s.insertRun(runRow('release-1', { ...periodic, job: 'nightly-release', created: '2026-12-07T02:00:00.000Z', finished: '2026-12-07T02:10:00.000Z' }));
    await s.insertRun(runRow('w-main-1', { pullRequest: null, event: 'push', state: 'failed', created: '2026-12-06T10:00:00.000Z' }));
    await s.insertRun(runRow('w-main-2', { pullRequest: null, event: 'push', created: '2026-12-07T10:00:00.000Z' }));
    await s.insertRun(runRow('w-pr7-1', { pullRequest: 7, created: '2026-12-07T08:00:00.000Z' }));
    await s.insertRun(runRow('w-pr7-2', { pullRequest: 7, state: 'failed', created: '2026-12-07T09:00:00.000Z' }));
    await s.insertRun(runRow('w-pr3-old', { pullRequest: 3, created: '2026-10-01T09:00:00.000Z' }));
    await s.insertRun(runRow('g-main', { repository: 'acme/gadgets', pullRequest: null, state: 'running', finished: null }));
    await s.insertRun(runRow('p-main', { repository: 'acme/private', private: true, pullRequest: null }));
    await s.insertRun(runRow('rel-9', { kind: 'release', job: 'release', repository: 'acme/tools', pullRequest: null, created: '2026-12-01T10:00:00.000Z' }));
    // Pull request states as their last pull_request delivery said (serve records them at intake).
    await s.insertRun(runRow('w-pr11', { pullRequest: 11, created: '2026-12-07T11:00:00.000Z' }));
    await s.insertRun(runRow('w-pr5', { pullRequest: 5, state: 'failed', created: '2026-12-05T11:00:00.000Z' }));
    await s.insertRun(runRow('p-pr2', { repository: 'acme/private', private: true, pullRequest: 2 }));
    const pr = (repository: string, number: number, state: 'open' | 'closed', over: Partial<PullRequestState> = {}): PullRequestState => ({
      repository, number, state, merged: false, title: `Change ${number}`, author: 'octocat', private: false, updated: '2026-12-07T11:30:00.000Z', received: '2026-12-07T11:30:01.000Z', deliveryId: `pr-${number}`, ...over,
    });
    await recordPullRequest(s, pr('acme/widgets', 7, 'open'));
    await recordPullRequest(s, pr('acme/widgets', 3, 'closed'));
    await recordPullRequest(s, pr('acme/widgets', 11, 'closed', { merged: true }));
    await recordPullRequest(s, pr('acme/widgets', 12, 'open', { title: 'Docs <draft>' }));
    await recordPullRequest(s, pr('acme/private', 2, 'open', { private: true }));
  });
  afterAll(async () => {
    await svc?.close(0);
    if (root) await removeTempDir(root);
  });

  it('jobs: schedule, next tick, last success with its age, a red mark on the job past two periods', async () => {
    const html = await (await fetch(`${svc.url}/jobs`)).text();
    const rows = [...html.matchAll(/<tr data-job="([^"]+)"( class="stale")?/g)].map((m) => [m[1], m[2] !== undefined]);
    expect(rows).toEqual([['hourly-deploy', true], ['nightly-release', false]]);
    expect(html).toContain('<time datetime="2026-12-07T13:00:00.000Z">');
    expect(html).toContain('(3 h 29 m ago)');
    expect(html).toContain('<time datetime="2026-12-08T02:00:00.000Z">');
  });

  it('repositories: newest default-branch run per repository, open pull requests with their newest run, closed ones gone, private ones hidden', async () => {
    const html = await (await fetch(`${svc.url}/repositories`)).text();
    const repos = [...html.matchAll(/data-repo="([^"]+)" data-state="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(repos).toEqual([['acme/gadgets', 'running'], ['acme/tools', 'succeeded'], ['acme/widgets', 'succeeded']]);
    const open = [...html.matchAll(/<li data-pr="(\d+)" data-state="([^"]+)">(.*?)<\/li>/g)].map((m) => [m[1], m[2], m[3]?.match(/href="\/runs\/([^"]+)"/)?.[1] ?? m[3]?.match(/no run yet/)?.[0]]);
    expect(open).toEqual([['12', 'none', 'no run yet'], ['7', 'failed', 'w-pr7-2']]);
    expect(html).toContain('<span class="pr-title">Docs &lt;draft&gt;</span>');
    // PR 5's state was never seen: listed apart, with its newest run of the last 30 days; PR 3 (closed, old run) and 11 (merged) are not listed.
    expect([...html.matchAll(/<li data-pr-unseen="(\d+)">/g)].map((m) => m[1])).toEqual(['5']);
    expect(html).toContain('of unknown state (serve received no pull_request event for it), with a run in the last 30 days');
    expect(html).not.toMatch(/data-pr(-unseen)?="(3|11)"/);
    expect(html).toContain('2 of 3 repositories are green');
    expect(html).not.toContain('acme/private');
  });
});

describe('public log links (spec.serve.dashboard.exportBaseUrl)', () => {
  it('a release run links to its exported pages; a pull-request run does not', async () => {
    const { root, svc } = await serveDashboard({ config: { exportBaseUrl: 'https://logs.example.org/plumbing/' } });
    try {
      await svc.core.store.insertRun(runRow('rel-9', { kind: 'release', job: 'release', pullRequest: null }));
      await svc.core.store.insertRun(runRow('pr-9'));
      expect(await (await fetch(`${svc.url}/runs/rel-9`)).text()).toContain('<a href="https://logs.example.org/plumbing/runs/rel-9/">');
      expect(await (await fetch(`${svc.url}/runs/pr-9`)).text()).not.toContain('logs.example.org');
    } finally {
      await svc.close(0);
      await removeTempDir(root);
    }
  });
});
