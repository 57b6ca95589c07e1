import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8' }).trim();

const CONFIG = `apiVersion: plumbing.dev/v1alpha1
kind: Release
metadata:
  name: demo
spec:
  project: demo
  pipeline: release
  bucket: file://.plumbing/bucket
  imageRegistry: ghcr.io/demo
  repository: demo/demo
  releaseBranches: release-v*
  nightly:
    schedule: "0 2 * * *"
  artifacts:
    - name: release.yaml
      paths: [tasks]
`;

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** A fresh clone (origin/main) of a repository with a release config: no token, no network. */
function freshClone(): { work: string; sha: string } {
  tmp = mkdtempSync(join(tmpdir(), 'plumbing-release-cli-'));
  const seed = join(tmp, 'seed');
  const files: Record<string, string> = { '.gitignore': '.plumbing/\n', 'releases/demo.yaml': CONFIG, 'tasks/hello/0.1/hello.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: hello\nspec:\n  steps:\n    - name: s\n      image: alpine\n      script: echo hi\n' };
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, f)), { recursive: true });
    writeFileSync(join(seed, f), t);
  }
  git(tmp, 'init', '--quiet', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '--quiet', '-m', 'initial');
  git(tmp, 'clone', '--quiet', seed, join(tmp, 'work'));
  const work = join(tmp, 'work');
  return { work, sha: git(work, 'rev-parse', 'HEAD') };
}

function io(cwd: string, env: NodeJS.ProcessEnv = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env, out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, signal: new AbortController().signal };
}

describe('plumbing release (in-process, offline)', () => {
  it('--dry-run --format json prints the plan as one JSON object, offline on a fresh clone', async () => {
    const { work, sha } = freshClone();
    const i = io(work);
    const code = await main(['release', 'nightly', '--dry-run', '--format', 'json'], i);
    expect(code).toBe(0);
    const plan = JSON.parse(i.out.join(''));
    expect(plan).toMatchObject({ version: expect.stringMatching(new RegExp(`^v0\\.1\\.0-nightly\\.\\d{8}\\+${sha.slice(0, 7)}$`)), previousVersion: null, commit: sha, offline: true, refused: false });
    expect(plan.steps.map((s: { id: string; action: string }) => `${s.action} ${s.id}`)).toEqual(['skip pipeline', 'create bucket:release.yaml', 'unknown tag', 'unknown release', 'unknown assets:unlisted', 'unknown asset:release.yaml', 'unknown publish']);
    expect(typeof plan.notes).toBe('string');
  });

  it('--dry-run text shows the version and why, the commit, the checks and the steps; --exit-code gives 3 with changes pending', async () => {
    const { work } = freshClone();
    const i = io(work);
    expect(await main(['release', 'full', '--version', 'v0.1.0', '--dry-run', '--exit-code'], i)).toBe(1);
    const text = i.out.join('');
    expect(text).toMatch(/^plumbing release full v0\.1\.0 \(project demo\) {2}\[offline: GitHub not read\]$/m);
    expect(text).toMatch(/FAIL {2}remote-branch +there is no origin\/release-v0\.1\.x\n +→ cut the release branch/);
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x');
    git(work, 'fetch', '--quiet', 'origin');
    expect(await main(['release', 'full', '--version', 'v0.1.0', '--dry-run', '--exit-code'], io(work))).toBe(3);
  });

  it('a nightly with nothing changed since the last one exits 0 and says so (no token needed)', async () => {
    const { work, sha } = freshClone();
    git(work, 'tag', `v0.1.0-nightly.20240101+${sha.slice(0, 7)}`);
    const i = io(work);
    expect(await main(['release', 'nightly'], i)).toBe(0);
    expect(i.out.join('')).toMatch(/nothing changed since the last nightly v0\.1\.0-nightly\.20240101\+[0-9a-f]{7}.*: no new nightly/);
  });

  it('--from-git plans from a fresh clone of a URL (the nightly pod has no checkout)', async () => {
    const { work, sha } = freshClone();
    const i = io(tmpdir());
    expect(await main(['release', 'nightly', '--from-git', work, '--revision', 'main', '--dry-run', '--format', 'json'], i)).toBe(0);
    expect(JSON.parse(i.out.join(''))).toMatchObject({ commit: sha, project: 'demo', refused: false });
  });

  it('usage errors exit 2', async () => {
    const { work } = freshClone();
    expect(await main(['release', 'full'], io(work))).toBe(2);
    expect(await main(['release', 'weekly'], io(work))).toBe(2);
    expect(await main(['release', 'full', '--version', 'v1', '--dry-run'], io(work))).toBe(2);
  });

  it('refuses a full release without GITHUB_TOKEN, exit 1, saying how to go on', async () => {
    const { work } = freshClone();
    git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x');
    git(work, 'fetch', '--quiet', 'origin');
    const i = io(work);
    expect(await main(['release', 'full', '--version', 'v0.1.0'], i)).toBe(1);
    expect(i.err.join('')).toMatch(/GITHUB_TOKEN is not set[\s\S]*hint: .*export GITHUB_TOKEN/);
  });
});
