// golang-test in its image: docker.io/library/golang:1.23 comes from a loopback mirror holding an
// image built here (busybox-static + this machine's Go toolchain at /usr/local/go;
// tasks/test-support/catalog-images.ts).
import { join } from 'node:path';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';
import { GO_CACHE, GO_IMAGES_CACHE, goModule } from '../../../test-support/go-fixture.js';

const TASK = join(import.meta.dirname, '..', 'golang-test.yaml');
let mirror: CatalogMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startCatalogMirror({ go: true });
  dir = await makeTempDir('golang-test-images-');
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('golang-test 0.1 in its image', () => {
  it('runs the tests and counts them in the pulled golang image; a failing test fails the run with the summary', async () => {
    const run = (flags: string) =>
      plumbing(['task', TASK, '-p', `flags=${flags}`, '-w', `source=${src}`, '-w', `cache=${GO_CACHE}`, '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: GO_IMAGES_CACHE } });
    const src = await goModule(join(dir, 'mod'));
    const ok = await run('-count=1');
    expect([ok.code, ok.runs[0]?.succeeded], ok.stderr).toEqual([0, 'True']);
    expect(ok.stderr).toMatch(/test running in \S*library\/golang@sha256:[0-9a-f]{12} \((pulled|cached)\)/);
    expect(result(ok.runs[0]!, 'summary')).toBe('5 passed, 0 failed, 1 skipped');
    const failing = await run('-short');
    expect([failing.code, failing.runs[0]?.succeeded]).toEqual([1, 'False']);
    expect(result(failing.runs[0]!, 'summary')).toBe('4 passed, 1 failed, 1 skipped (FAIL example.com/hello/greet)');
  });
});
