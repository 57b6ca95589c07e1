// github-comment in its image: docker.io/library/node:20.19-alpine comes from a loopback mirror
// holding an image built here (busybox-static + this machine's node; tasks/test-support/catalog-images.ts).
import { join } from 'node:path';
import { type GitHubServer, makeTempDir, plumbing, removeTempDir, result, secretDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'github-comment.yaml');
let mirror: CatalogMirror;
let dir: string;
let gh: GitHubServer;
let pr: number;

beforeAll(async () => {
  mirror = await startCatalogMirror({ node: true });
  dir = await makeTempDir('github-comment-images-');
  gh = await startGitHubServer({
    repos: ['org/app'],
    seed: (s) => {
      pr = s.addPull('org/app', { title: 'a change' }).number;
    },
  });
});
afterAll(async () => {
  await gh?.close();
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('github-comment 0.1 in its image', () => {
  it('creates the comment with its step in the pulled node image', async () => {
    const token = await secretDir(dir, 'token', { token: gh.token });
    const out = await plumbing(['task', TASK, '-p', `github-api-url=${gh.url}`, '-p', 'repository=org/app', '-p', `number=${pr}`, '-p', 'body=Build started', '-w', `github-token=${token}`, '--images', 'pull'], {
      cwd: mirror.root,
      env: { PLUMBING_CACHE: join(dir, 'cache') },
    });
    const run = out.runs[0];
    expect([out.code, run?.succeeded]).toEqual([0, 'True']);
    expect(result(run!, 'action')).toBe('created');
    expect(gh.state.repo('org/app').comments.map((c) => c.body)).toEqual(['Build started\n\n<!-- plumbing-comment: plumbing -->']);
    expect(out.stderr).toMatch(/comment running in \S*library\/node@sha256:[0-9a-f]{12} \(pulled\)/);
  });
});
