// release-version in its image: docker.io/library/node:20.19-alpine comes from a loopback mirror
// holding an image built here (busybox-static + this machine's node; tasks/test-support/catalog-images.ts).
// Without the source workspace only: with it, the step runs `git`, which node:20.19-alpine does
// not have (docs/images.md).
import { join } from 'node:path';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'release-version.yaml');
let mirror: CatalogMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startCatalogMirror({ node: true });
  dir = await makeTempDir('release-version-images-');
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

const run = (params: Record<string, string>) =>
  plumbing(['task', TASK, ...Object.entries(params).flatMap(([k, v]) => ['-p', `${k}=${v}`]), '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: join(dir, 'cache') } });

describe('release-version 0.1 in its image', () => {
  it('computes a first nightly and validates a prerelease against the previous version given, in the pulled node image', async () => {
    const nightly = await run({ 'release-kind': 'nightly', commit: '0123456789abcdef0123456789abcdef01234567', date: '20240301' });
    expect([nightly.code, nightly.runs[0]?.succeeded], nightly.stderr).toEqual([0, 'True']);
    expect([result(nightly.runs[0]!, 'version'), result(nightly.runs[0]!, 'previous-version')]).toEqual(['v0.1.0-nightly.20240301+0123456', '']);
    expect(nightly.stderr).toMatch(/running in \S*library\/node@sha256:[0-9a-f]{12} \(pulled\)/);
    const rc = await run({ 'release-kind': 'full', version: 'v1.0.0-rc.1', 'previous-version': 'v0.9.0', commit: '0123456789abcdef0123456789abcdef01234567' });
    expect([result(rc.runs[0]!, 'version'), result(rc.runs[0]!, 'prerelease')]).toEqual(['v1.0.0-rc.1', 'true']);
    expect(rc.stderr).toMatch(/running in \S*library\/node@sha256:[0-9a-f]{12} \(cached\)/);
  });
});
