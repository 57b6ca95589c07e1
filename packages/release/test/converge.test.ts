import { writeFile, mkdir, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, git, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from '../src/plan.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, REPO } from './helpers.js';
import type { ReleaseRequest } from '../src/types.js';

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
const repo = () => gh.state.repo(REPO);

/** A fixture with release-v0.1.x pushed and CI green on its head. */
async function releaseBranchFixture(): Promise<Fixture> {
  const fx = await makeFixture();
  await git(fx.work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x']);
  await git(fx.work, ['fetch', '--quiet', 'origin']);
  gh.state.addStatus(REPO, fx.shas[0]!, { state: 'success', context: 'ci' });
  return fx;
}

async function release(fx: Fixture, req: ReleaseRequest) {
  const ctx = makeCtx(fx, port(), { secrets: [gh.token] });
  const p = await prepareRelease(ctx, req);
  return { ctx, p, run: () => applyRelease(ctx, p) };
}

/** What the release left behind, for comparing a clean run with a failed-then-resumed one. */
function finalState(fx: Fixture, version: string) {
  const r = repo();
  return {
    tag: r.refs.get(`refs/tags/${version}`),
    releases: r.releases.map((x) => ({ tag: x.tagName, draft: x.draft, prerelease: x.prerelease, assets: x.assets.map((a) => `${a.name}:${a.data.length}`) })),
    bucket: ['release.yaml', 'release.log', 'journal.json'].map((n) => existsSync(join(fx.bucket, 'demo', 'previous', version, n))),
    latest: existsSync(join(fx.bucket, 'demo', 'latest', 'release.yaml')),
  };
}

const writes = () => gh.requests.filter((r) => r.method !== 'GET' && r.status < 300).map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`);

describe('full release on the local GitHub API server, with a file:// bucket', () => {
  it('creates tag, draft, asset, publishes with make_latest, uploads to the bucket; a second run changes nothing and says so', async () => {
    f = await releaseBranchFixture();
    const first = await release(f, { kind: 'full', version: 'v0.1.0', publish: true });
    expect(first.p.plan.refused).toBe(false);
    expect((await first.run()).status).toBe('released');
    const sha = f.shas[0]!;
    expect(finalState(f, 'v0.1.0')).toEqual({
      tag: sha,
      releases: [{ tag: 'v0.1.0', draft: false, prerelease: false, assets: [expect.stringMatching(/^release\.yaml:\d+$/)] }],
      bucket: [true, true, true],
      latest: true,
    });
    expect(repo().latestReleaseId).toBe(repo().releases[0]!.id);
    expect(writes()).toEqual(['POST /repos/demo/demo/git/refs', 'POST /repos/demo/demo/releases', 'POST /repos/demo/demo/releases/N/assets', 'PATCH /repos/demo/demo/releases/N']);
    const asset = repo().releases[0]!.assets[0]!;
    expect(asset.data.equals(readFileSync(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'release.yaml')))).toBe(true);
    const journal = JSON.parse(readFileSync(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'journal.json'), 'utf8'));
    expect(journal.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['success']);

    gh.requests.length = 0;
    const second = await release(f, { kind: 'full', version: 'v0.1.0', publish: true });
    expect(second.p.plan.pending).toBe(false);
    expect((await second.run()).status).toBe('nothing-to-do');
    expect(second.ctx.lines.join('\n')).toMatch(/nothing to do: v0\.1\.0 of demo is released/);
    expect(writes()).toEqual([]);
  });

  it('leaves a full release as a draft for review unless --publish; the draft is found again, never duplicated', async () => {
    f = await releaseBranchFixture();
    await (await release(f, { kind: 'full', version: 'v0.1.0' })).run();
    await (await release(f, { kind: 'full', version: 'v0.1.0' })).run();
    expect(repo().releases.map((r) => [r.tagName, r.draft])).toEqual([['v0.1.0', true]]);
    // The tag ref exists although the release is a draft (GitHub does not create it for drafts).
    expect(repo().refs.get('refs/tags/v0.1.0')).toBe(f.shas[0]);
    await (await release(f, { kind: 'full', version: 'v0.1.0', publish: true })).run();
    expect(repo().releases.map((r) => [r.tagName, r.draft])).toEqual([['v0.1.0', false]]);
  });

  it('a patch on an older line is published with make_latest "false": Latest stays on the newer line', async () => {
    f = await releaseBranchFixture();
    await git(f.work, ['tag', 'v0.1.0']);
    gh.state.addRelease(REPO, { tagName: 'v0.1.0', targetCommitish: f.shas[0]!, createdAt: '2024-01-02T00:00:00Z' });
    const newer = gh.state.addRelease(REPO, { tagName: 'v0.2.0', createdAt: '2024-02-01T00:00:00Z', makeLatest: 'true' });
    const [fix] = await commitAndPush(f, [{ files: { 'fix.txt': 'fix' }, message: 'fix: on 0.1' }], 'release-v0.1.x');
    gh.state.addStatus(REPO, fix!, { state: 'success', context: 'ci' });
    const r = await release(f, { kind: 'full', version: 'v0.1.1', publish: true });
    expect(r.p.plan).toMatchObject({ previousVersion: 'v0.1.0', makeLatest: 'false' });
    await r.run();
    const publish = gh.requests.find((q) => q.method === 'PATCH' && /releases\/\d+$/.test(q.path));
    expect(publish?.body).toMatchObject({ draft: false, make_latest: 'false' });
    expect(repo().latestReleaseId).toBe(newer.id);
    expect(existsSync(join(f.bucket, 'demo', 'latest', 'release.yaml'))).toBe(false);
  });
});

type Fault = { step: string; inject: (fx: Fixture) => Promise<() => Promise<void>> };
const serverFault =
  (method: string, path: RegExp): Fault['inject'] =>
  async () => {
    const h = gh.inject({ method, path, status: 500 });
    return async () => h.remove();
  };

const FAULTS: Fault[] = [
  {
    step: 'bucket:release.yaml',
    // A file where the project's bucket directory should be: the upload fails like a read-only bucket.
    inject: async (fx) => {
      await mkdir(fx.bucket, { recursive: true });
      await writeFile(join(fx.bucket, 'demo'), 'in the way');
      return () => rm(join(fx.bucket, 'demo'));
    },
  },
  { step: 'tag', inject: serverFault('POST', /\/git\/refs$/) },
  { step: 'release', inject: serverFault('POST', /\/releases$/) },
  { step: 'asset:release.yaml', inject: serverFault('POST', /\/assets$/) },
  { step: 'publish', inject: serverFault('PATCH', /\/releases\/\d+$/) },
  {
    step: 'latest:release.yaml',
    // Tests run as root here, so a chmod'ed directory would still be writable: a file blocks latest/ instead.
    inject: async (fx) => {
      await mkdir(join(fx.bucket, 'demo'), { recursive: true });
      await writeFile(join(fx.bucket, 'demo', 'latest'), 'in the way');
      return () => rm(join(fx.bucket, 'demo', 'latest'));
    },
  },
];

describe('a failure at each step, then a re-run, on the local GitHub API server', () => {
  it('a clean run (the reference final state)', async () => {
    f = await releaseBranchFixture();
    await (await release(f, { kind: 'full', version: 'v0.1.0', publish: true })).run();
    expect(finalState(f, 'v0.1.0')).toMatchObject({ releases: [{ tag: 'v0.1.0', draft: false, assets: [expect.any(String)] }], bucket: [true, true, true], latest: true });
  });

  for (const fault of FAULTS) {
    it(`fails at ${fault.step}, then resumes to the same final state with nothing duplicated`, async () => {
      f = await releaseBranchFixture();
      const heal = await fault.inject(f);
      const first = await release(f, { kind: 'full', version: 'v0.1.0', publish: true });
      await expect(first.run()).rejects.toMatchObject({ code: 'RELEASE_STEP_FAILED', step: fault.step });
      const journal = JSON.parse(readFileSync(join(f.work, '.plumbing', 'releases', 'demo', 'v0.1.0', 'journal.json'), 'utf8'));
      expect(journal.attempts.at(-1)).toMatchObject({ outcome: 'failure', failedStep: fault.step });
      await heal();

      await (await release(f, { kind: 'full', version: 'v0.1.0', publish: true })).run();
      const state = finalState(f, 'v0.1.0');
      expect(state).toEqual({ tag: f.shas[0], releases: [{ tag: 'v0.1.0', draft: false, prerelease: false, assets: [expect.stringMatching(/^release\.yaml:/)] }], bucket: [true, true, true], latest: true });
      const created = writes();
      expect(created.filter((w) => w === 'POST /repos/demo/demo/releases')).toHaveLength(1);
      expect(created.filter((w) => w === 'POST /repos/demo/demo/git/refs')).toHaveLength(1);
      expect(created.filter((w) => w.endsWith('/assets'))).toHaveLength(1);
      // The whole log of both attempts is next to the artifacts, and the journal has both attempts.
      const log = readFileSync(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'release.log'), 'utf8');
      expect(log).toMatch(/attempt 1[\s\S]*FAIL[\s\S]*attempt 2[\s\S]*released v0\.1\.0/);
      const uploaded = JSON.parse(readFileSync(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'journal.json'), 'utf8'));
      expect(uploaded.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failure', 'success']);
    });
  }
});

describe('the failure issue, on the local GitHub API server', () => {
  it('is opened on the first failure and commented on the second, with the failing step and the log link', async () => {
    f = await releaseBranchFixture();
    gh.inject({ method: 'POST', path: /\/assets$/, status: 502 });
    for (let i = 0; i < 2; i++) {
      const r = await release(f, { kind: 'full', version: 'v0.1.0', publish: true });
      await expect(r.run()).rejects.toMatchObject({ step: 'asset:release.yaml' });
    }
    const issues = repo().issues.filter((i) => !i.pull);
    expect(issues.map((i) => ({ title: i.title, state: i.state, labels: i.labels }))).toEqual([{ title: 'Release v0.1.0 of demo failed', state: 'open', labels: ['release-failure'] }]);
    expect(issues[0]!.body).toContain('`asset:release.yaml`');
    expect(issues[0]!.body).toContain(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'release.log'));
    expect(issues[0]!.body).not.toContain(gh.token);
    const comments = repo().comments.filter((c) => c.issueNumber === issues[0]!.number);
    expect(comments).toHaveLength(1);
    // The log was uploaded on failure too, and holds no token.
    const log = readFileSync(join(f.bucket, 'demo', 'previous', 'v0.1.0', 'release.log'), 'utf8');
    expect(log).toMatch(/FAIL {2}asset:release\.yaml/);
    expect(log).not.toContain(gh.token);
  });

  it('never puts the token in an error (a rejected token, local GitHub API server)', async () => {
    f = await releaseBranchFixture();
    const token = 'ghs_wrongtoken_0123456789abcdef';
    const ctx = makeCtx(f, createGitHub({ auth: { token }, baseUrl: gh.url }).repo('demo/demo'), { secrets: [token] });
    const err = await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }).then(
      () => undefined,
      (e: unknown) => e as Error & { hint?: string },
    );
    expect(err).toMatchObject({ code: 'GITHUB_API', message: expect.stringMatching(/401/), hint: expect.stringMatching(/^check GITHUB_TOKEN/) });
    expect(`${err?.message} ${err?.hint} ${err?.stack}`).not.toContain(token);
  });
});

describe('two releases of one version at once (local GitHub API server)', () => {
  it('a draft created by another run between our read and our create: ours is deleted, one draft remains', async () => {
    f = await releaseBranchFixture();
    const real = port();
    let other: number | undefined;
    const racing = {
      ...real,
      async createRelease(r: Parameters<typeof real.createRelease>[0]) {
        // The other run's create lands first.
        other ??= gh.state.addRelease(REPO, { tagName: r.tagName, draft: true, body: 'other run' }).id;
        return real.createRelease(r);
      },
    };
    const ctx = makeCtx(f, racing);
    await applyRelease(ctx, await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }));
    expect(repo().releases.map((r) => [r.id, r.tagName, r.draft, r.assets.length])).toEqual([[other, 'v0.1.0', true, 1]]);
    expect(ctx.lines.join('\n')).toMatch(/another run created draft v0\.1\.0/);
  });
});

describe('single flight on one machine', () => {
  it('refuses while another live process holds the version lock, and takes over a dead one', async () => {
    f = await releaseBranchFixture();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const dir = join(f.work, '.plumbing', 'releases', 'demo', 'v0.1.0');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'lock'), String(process.pid));
    const ctx = makeCtx(f, port());
    await expect(applyRelease(ctx, await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }))).rejects.toMatchObject({ code: 'RELEASE_LOCKED' });
    expect(repo().releases).toEqual([]);
    writeFileSync(join(dir, 'lock'), '2147483646');
    expect((await applyRelease(ctx, await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }))).status).toBe('released');
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});

describe('many releases (pagination, local GitHub API server)', () => {
  it('finds its own release beyond the first page on a re-run: nothing duplicated, nothing to do', async () => {
    f = await releaseBranchFixture();
    for (let i = 0; i < 150; i++) gh.state.addRelease(REPO, { tagName: `v0.0.${i}`, createdAt: '2030-01-01T00:00:00Z' }); // newer: listed before ours
    await (await release(f, { kind: 'full', version: 'v0.1.0', publish: true })).run();
    const again = await release(f, { kind: 'full', version: 'v0.1.0', publish: true });
    expect(again.p.plan.pending).toBe(false);
    expect(repo().releases.filter((r) => r.tagName === 'v0.1.0')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'GET' && r.path === '/repos/demo/demo/releases' && r.query.page === '2').length).toBeGreaterThan(0);
  });
});
