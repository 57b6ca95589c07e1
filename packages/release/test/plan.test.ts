import { git, removeTempDir } from '@plumbing/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { prepareRelease } from '../src/plan.js';
import { formatPlan } from '../src/format.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, TASK } from './helpers.js';

let f: Fixture | undefined;
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

describe('release plan, offline (no GitHub token, a fresh clone)', () => {
  it('plans a nightly: version, commit, previous release, checks and steps as data', async () => {
    f = await makeFixture();
    const ctx = makeCtx(f, undefined);
    const { plan } = await prepareRelease(ctx, { kind: 'nightly' }, { dryRun: true });
    const sha = f.shas[0]!;
    expect(plan).toMatchObject({
      project: 'demo',
      kind: 'nightly',
      version: `v0.1.0-nightly.20240305+${sha.slice(0, 7)}`,
      previousVersion: null,
      commit: sha,
      branch: 'main',
      backend: 'local',
      offline: true,
      makeLatest: 'false',
      refused: false,
      pending: true,
      notesSource: 'git-log',
    });
    expect(plan.checks.map((c) => [c.id, c.status])).toEqual([
      ['version', 'pass'],
      ['tag', 'pass'],
      ['clean-tree', 'pass'],
      ['remote-branch', 'pass'],
      ['ci', 'skip'],
      ['github-token', 'skip'],
      ['target', 'pass'],
      ['catalog', 'skip'],
      ['bucket', 'pass'],
      ['image-registry', 'pass'],
      ['artifacts', 'pass'],
    ]);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ['pipeline', 'skip'],
      ['bucket:release.yaml', 'create'],
      ['tag', 'unknown'],
      ['release', 'unknown'],
      ['assets:unlisted', 'unknown'],
      ['asset:release.yaml', 'unknown'],
      ['publish', 'unknown'],
    ]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    // The text plan, volatile parts (SHAs, temp dirs) sanitized.
    const text = formatPlan(plan).replaceAll(sha, '<sha>').replaceAll(sha.slice(0, 12), '<sha12>').replaceAll(sha.slice(0, 7), '<sha7>').replaceAll(f.bucket, '<bucket>').replace(/sha256 [0-9a-f]{12}/g, 'sha256 <sum>');
    await expect(text).toMatchFileSnapshot('__snapshots__/nightly-plan-offline.txt');
  });

  it('chooses the previous release by semver among tags reachable from the commit, leaving nightlies and other lines out', async () => {
    f = await makeFixture();
    const [a] = await commitAndPush(f, [{ files: { 'a.txt': 'a' }, message: 'feat: a', tag: 'v0.1.0' }]);
    await commitAndPush(f, [{ files: { 'b.txt': 'b' }, message: 'feat: b', tag: 'v0.2.0-nightly.20240301+aaaaaaa' }]);
    // v0.9.0 is on a side branch: not reachable from main, so it is not the previous release.
    await git(f.work, ['checkout', '--quiet', '-b', 'side', a!]);
    await commitAndPush(f, [{ files: { 's.txt': 's' }, message: 'side', tag: 'v0.9.0' }], 'side');
    await git(f.work, ['checkout', '--quiet', 'main']);
    const ctx = makeCtx(f, undefined);
    const { plan } = await prepareRelease(ctx, { kind: 'nightly' }, { dryRun: true });
    expect(plan.previousVersion).toBe('v0.1.0');
    // The next minor follows the highest release of all (v0.9.0, from the local tags offline).
    expect(plan.version).toMatch(/^v0\.10\.0-nightly\.20240305\+[0-9a-f]{7}$/);
    expect(plan.notes).toContain('feat: b');
    expect(plan.notes).not.toContain('feat: a');
  });

  it('makes no new nightly when nothing changed since the last one (exit 0, saying so)', async () => {
    f = await makeFixture();
    const ctx = makeCtx(f, undefined);
    const sha7 = f.shas[0]!.slice(0, 7);
    await git(f.work, ['tag', `v0.1.0-nightly.20240304+${sha7}`]);
    const p = await prepareRelease(ctx, { kind: 'nightly' }, { dryRun: true });
    expect(p.plan.noChange).toMatch(/nothing changed since the last nightly/);
    expect(p.plan.steps).toEqual([]);
    const outcome = await applyRelease(ctx, p);
    expect(outcome.status).toBe('no-change');
    expect(ctx.lines.join('\n')).toMatch(/no new nightly/);
  });

  it('plans a new nightly once a commit lands after the last nightly', async () => {
    f = await makeFixture();
    await git(f.work, ['tag', `v0.1.0-nightly.20240304+${f.shas[0]!.slice(0, 7)}`]);
    const [b] = await commitAndPush(f, [{ files: { 'tasks/bye/0.1/bye.yaml': TASK('bye') }, message: 'add bye' }]);
    const { plan } = await prepareRelease(makeCtx(f, undefined), { kind: 'nightly' }, { dryRun: true });
    expect(plan.noChange).toBeNull();
    expect(plan.version).toBe(`v0.1.0-nightly.20240305+${b!.slice(0, 7)}`);
  });
});
