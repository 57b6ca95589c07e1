// golang-build in its image: docker.io/library/golang:1.23 comes from a loopback mirror holding an
// image built here (busybox-static + this machine's Go toolchain at /usr/local/go;
// tasks/test-support/catalog-images.ts), so the go-version result is this machine's Go's.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';
import { GO_CACHE, GO_IMAGES_CACHE, goModule } from '../../../test-support/go-fixture.js';

const TASK = join(import.meta.dirname, '..', 'golang-build.yaml');
let mirror: CatalogMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startCatalogMirror({ go: true });
  dir = await makeTempDir('golang-build-images-');
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('golang-build 0.1 in its image', () => {
  it("builds the main packages with the image's go (not the host's PATH) and reports them; a compile error fails it", async () => {
    const src = await goModule(join(dir, 'ok'));
    const run = (source: string) =>
      plumbing(['task', TASK, '-w', `source=${source}`, '-w', `cache=${GO_CACHE}`, '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: GO_IMAGES_CACHE } });
    const ok = await run(src);
    expect([ok.code, ok.runs[0]?.succeeded], ok.stderr).toEqual([0, 'True']);
    expect(ok.stderr).toMatch(/build running in \S*library\/golang@sha256:[0-9a-f]{12} \((pulled|cached)\)/);
    expect(result(ok.runs[0]!, 'binaries')).toBe('bin/hello');
    expect(result(ok.runs[0]!, 'go-version')).toMatch(/^go1\./);
    expect((await promisify(execFile)(join(src, 'bin', 'hello'))).stdout).toBe('hello, world\n');
    const broken = await run(await goModule(join(dir, 'broken'), { 'cmd/hello/oops.go': 'package main\n\nfunc oops() { undefined() }\n' }));
    expect([broken.code, broken.runs[0]?.succeeded]).toEqual([1, 'False']);
    expect(broken.stderr).toContain('undefined: undefined');
    expect(broken.stderr).toContain('go build failed');
  });
});
