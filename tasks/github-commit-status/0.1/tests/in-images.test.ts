// github-commit-status in its image: docker.io/library/node:20.19-alpine comes from a loopback
// mirror holding an image built here (busybox-static + this machine's node; tasks/test-support/catalog-images.ts).
import { join } from 'node:path';
import { fakeSha, type GitHubServer, makeTempDir, plumbing, removeTempDir, result, secretDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'github-commit-status.yaml');
const SHA = fakeSha('head');
let mirror: CatalogMirror;
let dir: string;
let gh: GitHubServer;

beforeAll(async () => {
  mirror = await startCatalogMirror({ node: true });
  dir = await makeTempDir('github-commit-status-images-');
  gh = await startGitHubServer({ repos: ['org/app'] });
});
afterAll(async () => {
  await gh?.close();
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('github-commit-status 0.1 in its image', () => {
  it('sets the status with its step in the pulled node image', async () => {
    const token = await secretDir(dir, 'token', { token: gh.token });
    const params = ['-p', `github-api-url=${gh.url}`, '-p', 'repository=org/app', '-p', `sha=${SHA}`, '-p', 'state=Succeeded', '-p', 'context=tekton/ci'];
    const out = await plumbing(['task', TASK, ...params, '-w', `github-token=${token}`, '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: join(dir, 'cache') } });
    const run = out.runs[0];
    expect([out.code, run?.succeeded]).toEqual([0, 'True']);
    expect(result(run!, 'state')).toBe('success');
    expect(gh.state.repo('org/app').statuses.map((s) => [s.context, s.state])).toEqual([['tekton/ci', 'success']]);
    expect(out.stderr).toMatch(/running in \S*library\/node@sha256:[0-9a-f]{12} \(pulled\)/);
  });
});
