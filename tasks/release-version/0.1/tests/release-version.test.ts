import { join } from 'node:path';
import { makeGitRepo, makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plumbing, result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'release-version.yaml');
const SHA = '0123456789abcdef0123456789abcdef01234567';
let root: string;
let repo: string;
let shas: string[];

beforeAll(async () => {
  root = await makeTempDir('release-version-test-');
  repo = join(root, 'repo');
  shas = await makeGitRepo(repo, [
    { files: { a: '1' }, message: 'one', tag: 'v0.1.0' },
    { files: { a: '2' }, message: 'two', tag: 'v0.2.0' },
    { files: { a: '3' }, message: 'three', tag: 'v0.3.0-nightly.20240101+abcdef0' },
    { files: { a: '4' }, message: 'four', tag: 'v0.2.1' },
    { files: { a: '5' }, message: 'five' },
  ]);
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('release-version 0.1', () => {
  it('computes a nightly from the highest release tag: next minor, date, sha7', async () => {
    const { run, code } = await runTask(TASK, { params: { 'release-kind': 'nightly', commit: shas[4]!, date: '20261121' }, workspaces: { source: repo } });
    expect(code).toBe(0);
    expect(result(run, 'version')).toBe(`v0.3.0-nightly.20261121+${shas[4]!.slice(0, 7)}`);
    expect(result(run, 'previous-version')).toBe('v0.2.1');
    expect(result(run, 'prerelease')).toBe('true');
  });

  it('computes the first nightly (no release yet) without a workspace', async () => {
    const { run } = await runTask(TASK, { params: { 'release-kind': 'nightly', commit: SHA, date: '20240301' } });
    expect([result(run, 'version'), result(run, 'previous-version')]).toEqual(['v0.1.0-nightly.20240301+0123456', '']);
  });

  it('validates a full version against the previous release', async () => {
    const ok = await runTask(TASK, { params: { 'release-kind': 'full', version: 'v0.3.0', commit: shas[4]! }, workspaces: { source: repo } });
    expect(ok.run.succeeded).toBe('True');
    expect([result(ok.run, 'version'), result(ok.run, 'previous-version')]).toEqual(['v0.3.0', 'v0.2.1']);
    const rc = await runTask(TASK, { params: { 'release-kind': 'full', version: 'v1.0.0-rc.1', 'previous-version': 'v0.9.0', commit: SHA } });
    expect(result(rc.run, 'version')).toBe('v1.0.0-rc.1');
    expect([result(ok.run, 'prerelease'), result(rc.run, 'prerelease')]).toEqual(['false', 'true']);
  });

  it('accepts a re-run of a tag on the same commit (a resumed release)', async () => {
    const { run, stderr } = await runTask(TASK, { params: { 'release-kind': 'full', version: 'v0.2.1', 'previous-version': 'v0.2.0', commit: shas[3]! }, workspaces: { source: repo } });
    expect(run.succeeded).toBe('True');
    expect(stderr).toContain('already names');
  });

  it('refuses wrong versions with a message that says why', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'release-kind': 'weekly', commit: SHA }, 'param release-kind must be nightly or full'],
      [{ 'release-kind': 'full', commit: SHA }, 'a full release needs its version'],
      [{ 'release-kind': 'full', version: '1.2.3', commit: SHA }, 'is not a version like v1.2.3'],
      [{ 'release-kind': 'full', version: 'v0.2.0', 'previous-version': 'v0.2.1', commit: SHA }, 'version v0.2.0 is not greater than the previous release v0.2.1'],
      [{ 'release-kind': 'full', version: 'v0.2.1', 'previous-version': 'v0.2.1', commit: SHA }, 'is not greater than'],
      [{ 'release-kind': 'full', version: 'v0.4.0-nightly.20240101+0123456', commit: SHA }, 'is a nightly version; use release-kind nightly'],
      [{ 'release-kind': 'nightly', version: 'v0.4.0', commit: SHA }, 'must look like vX.Y.Z-nightly.YYYYMMDD+'],
      [{ 'release-kind': 'nightly', version: 'v0.4.0-nightly.20240101+fffffff', commit: SHA }, 'must look like'],
      [{ 'release-kind': 'nightly', commit: 'main' }, 'param commit must be a commit SHA'],
    ];
    for (const [params, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params });
      expect(run.succeeded, message).toBe('False');
      expect(stderr).toContain(message);
    }
  });

  it('refuses a version whose tag names another commit', async () => {
    const { run, stderr } = await runTask(TASK, { params: { 'release-kind': 'full', version: 'v0.2.1', 'previous-version': 'v0.2.0', commit: shas[4]! }, workspaces: { source: repo } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain(`tag v0.2.1 already exists on commit ${shas[3]!.slice(0, 7)}`);
  });

  it('runs tests/run.yaml as written', async () => {
    const out = await plumbing(['-f', join(import.meta.dirname, 'run.yaml')]);
    expect(out.runs.map((r) => [r.succeeded, result(r, 'version'), result(r, 'previous-version')])).toEqual([['True', 'v0.3.0', 'v0.2.1']]);
  });
});
