// `plumbing release` end to end, as a maintainer runs it: the real CLI (child processes), the real
// release pipeline of this repository (pipelines/release with the catalog tasks it uses, run on
// the embedded executor), a real git repository with a bare remote, a relative file:// bucket
// (resolved against the repository root), and the local server speaking GitHub's REST protocol
// (no real GitHub can run here; its recorded requests are asserted).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitHubServer, git, makeGitRepo, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCli, plumbing, REPO_ROOT } from './cli-support.js';
import { PIPELINE_ARTIFACTS } from './helpers.js';

/** What the real pipeline builds into release/ for this project: spec.artifacts, one list for the bucket and the assets. */
const ARTIFACTS = ['checksums.txt', 'demo-a-1.0.0.tgz', 'release.yaml'];

const REPO = 'org/demo';
const TASKS = ['release-version', 'git-clone', 'plumbing-check', 'npm', 'publish-to-bucket', 'github-release', 'collect-logs', 'github-commit-status'];

const RELEASE = `apiVersion: plumbing.dev/v1alpha1
kind: Release
metadata:
  name: demo
spec:
  project: demo
  pipeline: release
  bucket: file://.plumbing/bucket
  imageRegistry: ghcr.io/org
  repository: ${REPO}
  releaseBranches: release-v*
  targets:
    - name: dogfooding
      context: dogfooding
      namespace: tekton-ci
  nightly:
    schedule: "0 2 * * *"
  notes: releases/notes.md.tmpl
  artifacts:
${PIPELINE_ARTIFACTS}`;

const CLUSTER = `apiVersion: plumbing.dev/v1alpha1
kind: Cluster
metadata:
  name: dogfooding
spec:
  context: dogfooding
  sources:
    - path: tasks
      namespace: ci
`;

async function project(): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    '.gitignore': '.plumbing/\nnode_modules/\n',
    '.plumbing.yaml': 'check: {}\n',
    'package.json': JSON.stringify({ name: 'demo', private: true, workspaces: ['packages/a'], scripts: { test: "node -e \"console.log('demo tests pass')\"" } }),
    'packages/a/package.json': JSON.stringify({ name: 'demo-a', version: '1.0.0' }),
    'packages/a/index.js': 'module.exports = 1;\n',
    'releases/demo.yaml': RELEASE,
    'releases/notes.md.tmpl': '# {{project}} {{version}}\n\n{{changes}}\n',
    'clusters/dogfooding/cluster.yaml': CLUSTER,
    'pipelines/release/release.yaml': await readFile(join(REPO_ROOT, 'pipelines', 'release', 'release.yaml'), 'utf8'),
  };
  for (const t of TASKS) files[`tasks/${t}/0.1/${t}.yaml`] = await readFile(join(REPO_ROOT, 'tasks', t, '0.1', `${t}.yaml`), 'utf8');
  return files;
}

let tmp: string;
let work: string;
let sha: string;
let gh: GitHubServer;
let env: Record<string, string>;

beforeAll(async () => {
  await ensureCli();
  tmp = await makeTempDir('plumbing-release-e2e-');
  const seed = join(tmp, 'seed');
  await makeGitRepo(seed, [{ files: await project(), message: 'demo: the release pipeline and its catalog' }]);
  await git(tmp, ['clone', '--quiet', '--bare', seed, join(tmp, 'remote.git')]);
  work = join(tmp, 'work');
  await git(tmp, ['clone', '--quiet', join(tmp, 'remote.git'), work]);
  sha = await git(work, ['rev-parse', 'HEAD']);
  gh = await startGitHubServer({ repos: [REPO] });
  gh.state.addStatus(REPO, sha, { state: 'success', context: 'ci' });
  env = { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url };
}, 600_000);
afterAll(async () => {
  await gh?.close();
  if (tmp) await removeTempDir(tmp);
});

const bucket = () => join(work, '.plumbing', 'bucket', 'demo');
async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}
const creates = () => gh.requests.filter((r) => r.method === 'POST' && (r.path === `/repos/${REPO}/releases` || r.path === `/repos/${REPO}/git/refs`)).map((r) => r.path);

describe('plumbing release end to end (real CLI, real release pipeline on the embedded executor, git repo with a remote, file:// bucket, local GitHub API server)', () => {
  let nightly: string;

  it('nightly: runs the release pipeline, then publishes to nightly/<v> and a prerelease with its asset; journal and log in the bucket', async () => {
    const r = await plumbing(['release', 'nightly', '--with-tests'], work, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    nightly = /^plumbing release nightly (\S+) \(project demo\)/m.exec(r.stdout)?.[1] ?? '';
    expect(nightly).toMatch(new RegExp(`^v0\\.1\\.0-nightly\\.\\d{8}\\+${sha.slice(0, 7)}$`));
    // The real pipeline ran (clone from the served repository, check, test, build, render), without uploading.
    expect(r.stdout).toMatch(/\[[^\]]*clone\/clone\] /);
    expect(r.stdout).toContain('demo tests pass');
    expect(r.stdout).toMatch(/\[[^\]]*render\/render\] render: release\/release\.yaml/);
    expect(r.stdout).toMatch(/^done {2}pipeline {2}the release pipeline succeeded on the embedded executor/m);
    expect(r.stdout).toContain(`released ${nightly} of demo`);
    expect(await files(bucket())).toEqual([...ARTIFACTS, 'journal.json', 'release.log'].sort().map((x) => `nightly/${nightly}/${x}`));
    // The bucket holds what the pipeline built, verified by its own checksums.txt.
    expect(await readFile(join(bucket(), 'nightly', nightly, 'release.yaml'), 'utf8')).toContain(`# ${nightly} (${sha})`);
    expect((await readFile(join(bucket(), 'nightly', nightly, 'checksums.txt'), 'utf8')).split('\n').filter(Boolean).map((l) => l.split(/\s+/)[1])).toEqual(['demo-a-1.0.0.tgz', 'release.yaml']);
    const journal = JSON.parse(await readFile(join(bucket(), 'nightly', nightly, 'journal.json'), 'utf8'));
    expect(journal).toMatchObject({ project: 'demo', version: nightly, kind: 'nightly', commit: sha, attempts: [{ outcome: 'success' }] });
    expect(await readFile(join(bucket(), 'nightly', nightly, 'release.log'), 'utf8')).toContain('demo tests pass');
    const releases = gh.state.repo(REPO).releases;
    expect(releases.map((x) => ({ tag: x.tagName, draft: x.draft, prerelease: x.prerelease, target: x.targetCommitish, assets: x.assets.map((a) => a.name).sort() }))).toEqual([
      { tag: nightly, draft: false, prerelease: true, target: sha, assets: ARTIFACTS },
    ]);
    expect(creates()).toEqual([`/repos/${REPO}/git/refs`, `/repos/${REPO}/releases`]);
  });

  it('nightly again: nothing changed since the last nightly, says so, exit 0, nothing written', async () => {
    const before = gh.requests.length;
    const r = await plumbing(['release', 'nightly'], work, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`nothing changed since the last nightly ${nightly} (${sha.slice(0, 7)}): no new nightly`);
    expect(gh.requests.slice(before).filter((x) => x.method !== 'GET')).toEqual([]);
    expect(creates()).toHaveLength(2);
  });

  it('full v0.1.0 from its release branch: previous/v0.1.0 in the bucket, a draft with its asset and the tag; --publish then publishes it as Latest and fills latest/', async () => {
    await git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x']);
    await git(work, ['fetch', '--quiet', 'origin']);
    const r = await plumbing(['release', 'full', '--version', 'v0.1.0'], work, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The pipeline ran for the nightly at this commit, but a full release runs it again (its own
    // journal); without --with-tests its test task is skipped (CI's green status is the gate).
    expect(r.stdout).toMatch(/^done {2}pipeline {2}the release pipeline succeeded/m);
    expect(r.stdout).toMatch(/\[[^\]]*render\/render\] render: release\/release\.yaml/);
    expect(r.stdout).not.toContain('demo tests pass');
    expect(r.stdout).toContain('released v0.1.0 of demo');
    expect((await files(bucket())).filter((x) => !x.startsWith('nightly/'))).toEqual([...ARTIFACTS, 'journal.json', 'release.log'].sort().map((x) => `previous/v0.1.0/${x}`));
    expect(await readFile(join(bucket(), 'previous', 'v0.1.0', 'release.yaml'), 'utf8')).toContain(`# v0.1.0 (${sha})`);
    const draft = gh.state.repo(REPO).releases.filter((x) => x.tagName === 'v0.1.0');
    expect(draft.map((x) => ({ draft: x.draft, prerelease: x.prerelease, target: x.targetCommitish, assets: x.assets.map((a) => a.name).sort() }))).toEqual([{ draft: true, prerelease: false, target: sha, assets: ARTIFACTS }]);
    expect(await tagOnServer('v0.1.0')).toBe(sha);
    expect(creates()).toHaveLength(4);

    const published = await plumbing(['release', 'full', '--version', 'v0.1.0', '--publish'], work, env);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^done {2}publish {2}published v0\.1\.0 \(make_latest "true"\)/m);
    expect(published.stdout).not.toContain('demo tests pass');
    expect(await files(join(bucket(), 'latest'))).toEqual(ARTIFACTS);
    const repo = gh.state.repo(REPO);
    expect(repo.releases.filter((x) => x.tagName === 'v0.1.0').map((x) => x.draft)).toEqual([false]);
    expect(repo.latestReleaseId).toBe(repo.releases.find((x) => x.tagName === 'v0.1.0')?.id);
    expect(creates()).toHaveLength(4);
    const journal = JSON.parse(await readFile(join(bucket(), 'previous', 'v0.1.0', 'journal.json'), 'utf8'));
    expect(journal.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['success', 'success']);
  });

  it('full again: nothing to do, says so, exit 0, no write request', async () => {
    const before = gh.requests.length;
    const r = await plumbing(['release', 'full', '--version', 'v0.1.0', '--publish'], work, env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to do: v0.1.0 of demo is released; every step is there and verified');
    expect(gh.requests.slice(before).filter((x) => x.method !== 'GET')).toEqual([]);
    expect(creates()).toHaveLength(4);
    expect(existsSync(join(work, '.plumbing', 'releases', 'demo', 'v0.1.0', 'lock'))).toBe(false);
  });
});

describe('plumbing release nightly on a fresh copy with no token and no remote (the README quick start)', () => {
  it('goes to the bucket only, with warnings for the skipped GitHub steps and remote check; a second run says nothing changed', async () => {
    const copy = join(tmp, 'copy');
    await git(tmp, ['clone', '--quiet', join(tmp, 'remote.git'), copy]);
    await git(copy, ['remote', 'remove', 'origin']);
    const r = await plumbing(['release', 'nightly'], copy);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = /^plumbing release nightly (\S+) \(project demo\)/m.exec(r.stdout)?.[1] ?? '';
    expect(r.stdout).toMatch(/^warning: remote-branch: this clone has no remote origin/m);
    expect(r.stdout).toMatch(/^warning: github-token: no GITHUB_TOKEN: the GitHub steps \(tag, release, assets, publish\) are skipped/m);
    expect(r.stdout).toMatch(/\[[^\]]*check\/check\] plumbing-check: 0 errors/);
    expect(r.stdout).toMatch(/^skip {2}release {2}not done: no GITHUB_TOKEN$/m);
    expect(r.stdout).toContain(`released ${v} of demo to the bucket only (7 GitHub step(s) skipped: no GITHUB_TOKEN)`);
    expect(await files(join(copy, '.plumbing', 'bucket', 'demo'))).toEqual([...ARTIFACTS, 'journal.json', 'release.log'].sort().map((x) => `nightly/${v}/${x}`));
    const again = await plumbing(['release', 'nightly'], copy);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`nothing changed since the last nightly ${v} (${sha.slice(0, 7)}): no new nightly`);
  });
});

async function tagOnServer(tag: string): Promise<string | undefined> {
  const res = await fetch(`${gh.url}/repos/${REPO}/git/ref/tags/${tag}`, { headers: { authorization: `token ${gh.token}` } });
  if (!res.ok) return undefined;
  return ((await res.json()) as { object: { sha: string } }).object.sha;
}
