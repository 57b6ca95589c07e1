// detect-build-type in its image. The task pins docker.io/library/alpine:3.20 by digest, and the
// image built here (busybox-static as Alpine's userland, from a loopback mirror:
// tasks/test-support/catalog-images.ts) has another digest, which no mirror can serve under the
// pinned one (every blob is verified). So this runs the task with only that digest replaced by
// the built image's: the same step, script, env and workspace, in the image a cluster would pull.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'detect-build-type.yaml');
let mirror: CatalogMirror;
let dir: string;
let task: string;

beforeAll(async () => {
  mirror = await startCatalogMirror();
  dir = await makeTempDir('detect-build-type-images-');
  const yaml = await readFile(TASK, 'utf8');
  const pinned = /docker\.io\/library\/alpine:3\.20@(sha256:[0-9a-f]{64})/.exec(yaml)?.[1];
  if (!pinned) throw new Error('detect-build-type no longer pins alpine:3.20 by digest: update this test');
  task = join(dir, 'detect-build-type.yaml');
  await writeFile(task, yaml.replaceAll(pinned, mirror.digests['library/alpine:3.20'] ?? ''));
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

async function tree(name: string, files: string[]): Promise<string> {
  const root = join(dir, name);
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), '');
  }
  return root;
}

const run = (args: string[]) => plumbing(['task', task, ...args, '--images', 'pull'], { cwd: mirror.root, env: { PLUMBING_CACHE: join(dir, 'cache') } });

describe('detect-build-type 0.1 in its image', () => {
  it('detects go in a subdirectory and node at the root, in the pulled alpine image (by digest)', async () => {
    const mono = await tree('mono', ['package.json', 'services/api/go.mod', 'services/api/Dockerfile']);
    const go = await run(['-p', 'subdirectory=services/api', '-w', `source=${mono}`]);
    expect([go.code, go.runs[0]?.succeeded, result(go.runs[0]!, 'build-type')], go.stderr).toEqual([0, 'True', 'go']);
    expect(go.stderr).toMatch(/detect running in \S*library\/alpine@sha256:[0-9a-f]{12} \(pulled\)/);
    const node = await run(['-w', `source=${mono}`]);
    expect([node.code, result(node.runs[0]!, 'build-type')]).toEqual([0, 'node']);
    expect(node.stderr).toMatch(/running in \S*library\/alpine@sha256:[0-9a-f]{12} \(cached\)/);
  });

  it('fails with its message when the subdirectory does not exist', async () => {
    const out = await run(['-p', 'subdirectory=nope', '-w', `source=${await tree('empty', ['README.md'])}`]);
    expect([out.code, out.runs[0]?.succeeded]).toEqual([1, 'False']);
    expect(out.stderr).toContain("directory 'nope' does not exist in the source workspace");
  });
});
