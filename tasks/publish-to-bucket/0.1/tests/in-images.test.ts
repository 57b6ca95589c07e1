// publish-to-bucket in its image: docker.io/library/alpine:3.20 comes from a loopback mirror
// that holds an Alpine-like image built here from busybox-static (tasks/test-support/catalog-images.ts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'publish-to-bucket.yaml');
let mirror: CatalogMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startCatalogMirror();
  dir = await makeTempDir('publish-to-bucket-images-');
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('publish-to-bucket 0.1 in its image', () => {
  // the gs:// and s3:// steps' images (gcr.io, docker.io/amazon) are not mirrored: --images auto runs them with the host's tools
  it('uploads to a file:// bucket with its step in the pulled alpine image', async () => {
    const src = join(dir, 'src');
    const bucket = join(dir, 'bucket');
    await mkdir(join(src, 'out'), { recursive: true });
    await mkdir(bucket);
    await writeFile(join(src, 'out', 'release.yaml'), 'kind: List\n');
    const out = await plumbing(['task', TASK, '-p', 'bucket-url=file:///', '-p', 'path=p/v1', '-p', 'source-path=out', '-w', `source=${src}`, '-w', `bucket=${bucket}`], {
      cwd: mirror.root,
      env: { PLUMBING_CACHE: join(dir, 'cache') },
    });
    const run = out.runs[0];
    expect([out.code, run?.succeeded]).toEqual([0, 'True']);
    expect(result(run!, 'objects')).toBe('1');
    expect(await readFile(join(bucket, 'p', 'v1', 'release.yaml'), 'utf8')).toBe('kind: List\n');
    expect(out.stderr).toMatch(/plan running in \S*library\/alpine@sha256:[0-9a-f]{12} \(pulled\)/);
  });
});
