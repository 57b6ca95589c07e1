// git-clone in its image: docker.io/alpine/git:v2.47.2 comes from a loopback mirror holding an
// image built here (busybox-static + this machine's git, its http transport and the libraries
// they link; tasks/test-support/catalog-images.ts), cloning from a git smart-HTTP server on loopback.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitHttpServer, git, makeGitRepo, makeTempDir, plumbing, removeTempDir, result, startGitHttpServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'git-clone.yaml');
let mirror: CatalogMirror;
let dir: string;
let server: GitHttpServer;
let shas: string[];
let libSha: string;

beforeAll(async () => {
  mirror = await startCatalogMirror({ git: true });
  dir = await makeTempDir('git-clone-images-');
  const repos = join(dir, 'repos');
  libSha = (await makeGitRepo(join(repos, 'lib'), [{ files: { 'lib.txt': 'lib\n' }, message: 'lib' }]))[0]!;
  server = await startGitHttpServer(repos);
  shas = await makeGitRepo(join(repos, 'super'), [
    { files: { 'README.md': '# super\n' }, message: 'first', tag: 'v0.1.0' },
    { files: { 'a.txt': 'a\n' }, message: 'second' },
  ]);
  await git(join(repos, 'super'), ['-c', 'protocol.file.allow=always', 'submodule', 'add', `${server.url}/lib`, 'lib']);
  await git(join(repos, 'super'), ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-m', 'add lib']);
  shas.push((await git(join(repos, 'super'), ['rev-parse', 'HEAD'])).trim());
});
afterAll(async () => {
  await server?.close();
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('git-clone 0.1 in its image', () => {
  it('clones over http with its submodules, and checks out a tag, with its step in the pulled git image', async () => {
    const env = { PLUMBING_CACHE: join(dir, 'cache') };
    const out = join(dir, 'out');
    const tagOut = join(dir, 'tag');
    await Promise.all([mkdir(out), mkdir(tagOut)]);
    const head = await plumbing(['task', TASK, '-p', `url=${server.url}/super`, '-w', `output=${out}`, '--images', 'pull'], { cwd: mirror.root, env });
    expect([head.code, head.runs[0]?.succeeded], head.stderr).toEqual([0, 'True']);
    expect([result(head.runs[0]!, 'commit'), result(head.runs[0]!, 'url')]).toEqual([shas[2], `${server.url}/super`]);
    expect((await readdir(out)).sort()).toEqual(['.git', '.gitmodules', 'README.md', 'a.txt', 'lib']);
    expect((await git(join(out, 'lib'), ['rev-parse', 'HEAD'])).trim()).toBe(libSha);
    expect(head.stderr).toMatch(/running in \S*alpine\/git@sha256:[0-9a-f]{12} \(pulled\)/);
    const tag = await plumbing(['task', TASK, '-p', `url=${server.url}/super`, '-p', 'revision=v0.1.0', '-w', `output=${tagOut}`, '--images', 'pull'], { cwd: mirror.root, env });
    expect(result(tag.runs[0]!, 'commit')).toBe(shas[0]);
  });
});
