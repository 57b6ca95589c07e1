import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitHubServer, fakeSha, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'github-release.yaml');
const SHA = fakeSha('release');
let root: string;
let gh: GitHubServer;
let token: string;

beforeAll(async () => {
  root = await makeTempDir('github-release-test-');
  gh = await startGitHubServer({ repos: ['org/app'], seed: (s) => s.addRelease('org/app', { tagName: 'v0.1.0', createdAt: '2024-01-01T00:00:00Z' }) });
  token = await secretDir(root, 'token', { token: gh.token });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await gh.close();
  await removeTempDir(root);
});

async function assets(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, 'assets', name);
  await mkdir(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) await writeFile(join(dir, f), c);
  return dir;
}

const release = (p: Record<string, string>, assetsDir?: string, tok = token) =>
  runTask(TASK, {
    params: { 'github-api-url': gh.url, repository: 'org/app', tag: 'v0.2.0', target: SHA, name: 'app v0.2.0', body: 'notes', ...p },
    workspaces: { 'github-token': tok, ...(assetsDir ? { assets: assetsDir } : {}) },
  });
const drafts = () =>
  gh.state.repo('org/app').releases.filter((r) => r.tagName === 'v0.2.0').map((r) => ({ draft: r.draft, name: r.name, body: r.body, target: r.targetCommitish, assets: r.assets.map((a) => [a.name, a.data.toString()]) }));

describe('github-release 0.1 on the local GitHub API server', () => {
  it('creates a draft with its assets, then a re-run updates the same draft and re-uploads nothing', async () => {
    const dir = await assets('a1', { 'release.yaml': 'kind: List\n', 'checksums.txt': 'abc  release.yaml\n' });
    const first = await release({}, dir);
    expect(first.code).toBe(0);
    expect(result(first.run, 'action')).toBe('created');
    expect(result(first.run, 'assets')).toBe('checksums.txt,release.yaml');
    const id = result(first.run, 'release-id');
    const second = await release({ body: 'better notes' }, dir);
    expect(result(second.run, 'action')).toBe('updated');
    expect(result(second.run, 'release-id')).toBe(id);
    expect(result(second.run, 'assets')).toBe('');
    expect(drafts()).toEqual([
      { draft: true, name: 'app v0.2.0', body: 'better notes', target: SHA, assets: [['checksums.txt', 'abc  release.yaml\n'], ['release.yaml', 'kind: List\n']] },
    ]);
    // a draft does not create its tag
    expect(gh.state.repo('org/app').refs.get('refs/tags/v0.2.0')).toBeUndefined();
  });

  it('replaces only an asset whose content changed', async () => {
    await release({}, await assets('b1', { 'release.yaml': 'v1\n', 'notes.md': 'n\n' }));
    const { run } = await release({}, await assets('b2', { 'release.yaml': 'v2\n', 'notes.md': 'n\n' }));
    expect(result(run, 'assets')).toBe('release.yaml');
    expect(drafts()[0]!.assets.sort()).toEqual([['notes.md', 'n\n'], ['release.yaml', 'v2\n']]);
    expect(gh.requests.filter((r) => r.method === 'DELETE').length).toBe(1);
  });

  it('refuses to touch a published release of the tag', async () => {
    gh.state.addRelease('org/app', { tagName: 'v0.2.0' });
    const before = JSON.stringify(drafts());
    const { run, stderr } = await release({}, await assets('c', { 'release.yaml': 'x' }));
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('release v0.2.0 is already published');
    expect(JSON.stringify(drafts())).toBe(before);
  });

  it('fails clearly on bad params, a bad asset name, a rejected token', async () => {
    const cases: [Record<string, string>, string | undefined, string][] = [
      [{ tag: 'bad tag' }, undefined, 'param tag "bad tag" is not a valid tag name'],
      [{ prerelease: 'yes' }, undefined, 'param prerelease must be "true" or "false"'],
      [{ target: '' }, undefined, 'param target is empty'],
      [{}, await assets('d', { 'my file.txt': 'x' }), 'asset "my file.txt": GitHub would rename it'],
      [{ 'assets-path': 'nope' }, await assets('e', {}), 'param assets-path: no directory nope in the assets workspace'],
    ];
    for (const [p, dir, message] of cases) {
      const { run, stderr } = await release(p, dir);
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
    const wrong = await secretDir(root, 'wrong', { token: 'ghp_nope' });
    const r = await release({}, undefined, wrong);
    expect(r.stderr).toContain('GitHub rejected the token in workspace github-token (401');
    expect(drafts()).toEqual([]);
  });
});
