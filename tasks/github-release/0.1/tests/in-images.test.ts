// github-release in its image: docker.io/library/node:20.19-alpine comes from a loopback mirror
// holding an image built here (busybox-static + this machine's node; tasks/test-support/catalog-images.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeSha, type GitHubServer, makeTempDir, plumbing, removeTempDir, result, secretDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'github-release.yaml');
const SHA = fakeSha('release');
let mirror: CatalogMirror;
let dir: string;
let gh: GitHubServer;

beforeAll(async () => {
  mirror = await startCatalogMirror({ node: true });
  dir = await makeTempDir('github-release-images-');
  gh = await startGitHubServer({ repos: ['org/app'] });
});
afterAll(async () => {
  await gh?.close();
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('github-release 0.1 in its image', () => {
  it('creates the draft release and uploads its assets with its step in the pulled node image', async () => {
    const token = await secretDir(dir, 'token', { token: gh.token });
    const assets = join(dir, 'assets');
    await mkdir(assets);
    await writeFile(join(assets, 'release.yaml'), 'kind: List\n');
    const params = ['-p', `github-api-url=${gh.url}`, '-p', 'repository=org/app', '-p', 'tag=v0.2.0', '-p', `target=${SHA}`, '-p', 'name=app v0.2.0', '-p', 'body=notes'];
    const out = await plumbing(['task', TASK, ...params, '-w', `github-token=${token}`, '-w', `assets=${assets}`, '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: join(dir, 'cache') } });
    const run = out.runs[0];
    expect([out.code, run?.succeeded], out.stderr).toEqual([0, 'True']);
    expect([result(run!, 'action'), result(run!, 'assets')]).toEqual(['created', 'release.yaml']);
    const releases = gh.state.repo('org/app').releases.map((r) => ({ tag: r.tagName, draft: r.draft, target: r.targetCommitish, assets: r.assets.map((a) => [a.name, a.data.toString()]) }));
    expect(releases).toEqual([{ tag: 'v0.2.0', draft: true, target: SHA, assets: [['release.yaml', 'kind: List\n']] }]);
    expect(out.stderr).toMatch(/running in \S*library\/node@sha256:[0-9a-f]{12} \(pulled\)/);
  });
});
