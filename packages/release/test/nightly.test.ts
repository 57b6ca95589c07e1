import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from '../src/plan.js';
import { nightlyReleaseJobs } from '../src/make-context.js';
import { JobRegistry, type ScheduledJob } from '@plumbing/deploy';
import { type Fixture, makeCtx, makeFixture, REPO } from './helpers.js';

let gh: GitHubServer;
let f: Fixture | undefined;
beforeAll(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.reset());
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

const port = () => createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo');

describe('nightly release on the local GitHub API server', () => {
  it('publishes a prerelease that is never Latest, into the nightly/ prefix; the next night with no change exits 0 saying so', async () => {
    f = await makeFixture();
    const stable = gh.state.addRelease(REPO, { tagName: 'v0.3.0', makeLatest: 'true' });
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'success', context: 'ci' });
    const ctx = makeCtx(f, port());
    const p = await prepareRelease(ctx, { kind: 'nightly' });
    const version = `v0.4.0-nightly.20240305+${f.shas[0]!.slice(0, 7)}`;
    expect(p.plan).toMatchObject({ version, makeLatest: 'false', publish: true });
    expect((await applyRelease(ctx, p)).status).toBe('released');
    const repo = gh.state.repo(REPO);
    expect(repo.releases.filter((r) => r.tagName === version).map((r) => [r.draft, r.prerelease])).toEqual([[false, true]]);
    expect(repo.latestReleaseId).toBe(stable.id);
    expect(existsSync(join(f.bucket, 'demo', 'nightly', version, 'release.yaml'))).toBe(true);
    expect(existsSync(join(f.bucket, 'demo', 'latest'))).toBe(false);

    // The next night: same commit. The nightly tag is only on GitHub (a fresh clone has no tags).
    const next = makeCtx(f, port(), { now: () => new Date('2024-03-06T02:00:00Z') });
    const again = await prepareRelease(next, { kind: 'nightly' });
    expect(again.plan.noChange).toMatch(/nothing changed since the last nightly/);
    expect((await applyRelease(next, again)).status).toBe('no-change');
  });

  it('resumes a failed nightly the next night under the same version instead of starting another', async () => {
    f = await makeFixture();
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'success', context: 'ci' });
    const fault = gh.inject({ method: 'POST', path: /\/assets$/ });
    const ctx = makeCtx(f, port());
    await expect(applyRelease(ctx, await prepareRelease(ctx, { kind: 'nightly' }))).rejects.toMatchObject({ step: 'asset:release.yaml' });
    fault.remove();
    const next = makeCtx(f, port(), { now: () => new Date('2024-03-06T02:00:00Z') });
    const p = await prepareRelease(next, { kind: 'nightly' });
    expect(p.plan.version).toBe(`v0.1.0-nightly.20240305+${f.shas[0]!.slice(0, 7)}`);
    expect(p.plan.versionReason).toMatch(/resuming/);
    expect((await applyRelease(next, p)).status).toBe('released');
    expect(gh.state.repo(REPO).releases.map((r) => [r.tagName, r.draft, r.assets.length])).toEqual([[p.plan.version, false, 1]]);
  });

  it('is a scheduled job for plumbing schedule (the JobRegistry shape): a tick runs the nightly from the environment', async () => {
    f = await makeFixture();
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'success', context: 'ci' });
    const log: string[] = [];
    const jobs = nightlyReleaseJobs(f.work, { env: { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url }, log: (l) => log.push(l) });
    expect(jobs.map((j) => [j.name, j.schedule, j.timezone])).toEqual([['nightly-release-demo', '0 2 * * *', 'Etc/UTC']]);
    // plumbing schedule's registry takes them as they are (typed and cron-validated there).
    const registry = new JobRegistry();
    for (const job of jobs satisfies ScheduledJob[]) registry.register(job);
    expect(registry.jobs().map((j) => j.name)).toEqual(['nightly-release-demo']);
    expect(await jobs[0]!.run(new AbortController().signal)).toMatch(/^released v0\.1\.0-nightly\.\d{8}\+[0-9a-f]{7}$/);
    expect(await jobs[0]!.run(new AbortController().signal)).toMatch(/^no-change /);
    expect(log.join('\n')).not.toContain(gh.token);
  });
});
