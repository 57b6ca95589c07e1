// The nightly image builds and the post-release tests as runs of the service: a real store, queue
// and runner; the backend is the runner's seam played by the test (the image-build pipeline runs
// end to end in pipelines/image-build/tests, the backends in embedded and cluster tests).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeServeRepo } from '../../test/helpers.js';
import type { RunRow } from '../store/store.js';
import { clusterSpec } from './config.js';
import type { Backend } from './embedded.js';
import { fillPlaceholders, imageDirs, nightlyImageJobs, startPostReleaseTests } from './periodic-runs.js';
import { type RunningService, startServe } from './server.js';

let root: string;
let svc: RunningService;
const seen: RunRow[] = [];
/** Succeeds every run, but fails the image build of images/broken. */
const backend: Backend = async (run) => {
  seen.push(run);
  const image = JSON.stringify(run.resource).includes('images/broken');
  return image ? { state: 'failed', reason: 'Failed', message: 'kaniko said no', status: null, recordDir: '' } : { state: 'succeeded', reason: 'Succeeded', message: '', status: null, recordDir: '' };
};

const params = (r: RunRow) => Object.fromEntries(((r.resource.spec as { params: { name: string; value: string }[] }).params ?? []).map((p) => [p.name, p.value]));

/** Resolves once run `name` has succeeded (listening first, then looking at the store). */
function succeeded(name: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      svc.core.events.off('run', on);
      resolve();
    };
    const on = (x: RunRow) => {
      if (x.name === name && x.state === 'succeeded') done();
    };
    svc.core.events.on('run', on);
    void svc.core.store.getRun(name).then((r) => r?.state === 'succeeded' && done());
  });
}

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-periodic-');
  makeServeRepo(root, {
    serve: `  serve:
    nightlyImages:
      schedule: "0 3 * * *"
      registry: ghcr.io/demo
      repository: demo/app
`,
  });
  for (const d of ['app', 'broken']) {
    mkdirSync(join(root, 'images', d), { recursive: true });
    writeFileSync(join(root, 'images', d, 'Dockerfile'), 'FROM scratch\n');
  }
  mkdirSync(join(root, 'images', 'notes'), { recursive: true });
  mkdirSync(join(root, 'releases'), { recursive: true });
  writeFileSync(
    join(root, 'releases', 'demo.yaml'),
    `apiVersion: plumbing.dev/v1alpha1
kind: Release
metadata:
  name: demo
spec:
  project: demo
  pipeline: release
  bucket: gs://demo-releases
  imageRegistry: ghcr.io/demo
  repository: demo/app
  releaseBranches: release-v*
  postReleaseTests:
    - name: install
      pipeline: install-test
      params:
        manifest: "{bucket}/{bucketPrefix}/release.yaml"
        version: "{version}"
    - name: smoke
      pipeline: smoke-test
`,
  );
  seen.length = 0;
  svc = await startServe({ root, port: 0, host: '127.0.0.1', backend, log: () => {}, nightlyImages: false });
});

afterEach(async () => {
  await svc?.close(0);
  await removeTempDir(root);
});

describe('nightly image builds', () => {
  it('makes one job per image directory with a Dockerfile, on the configured schedule', () => {
    expect(imageDirs(root)).toEqual(['app', 'broken']);
    const jobs = nightlyImageJobs(svc.core, root, clusterSpec(root, 'test'));
    expect(jobs.map((j) => [j.name, j.schedule])).toEqual([
      ['nightly-image/app', '0 3 * * *'],
      ['nightly-image/broken', '0 3 * * *'],
    ]);
    expect(nightlyImageJobs(svc.core, root, {})).toEqual([]);
  });

  it('a tick queues the image-build PipelineRun of its image as a periodic run and reports its end; a failed build fails the tick', async () => {
    const [app, broken] = nightlyImageJobs(svc.core, root, clusterSpec(root, 'test'));
    const message = await app!.run(new AbortController().signal);
    expect(message).toMatch(/^ghcr\.io\/demo\/app:nightly from main: run image-build-app-[a-z]{5} succeeded \(Succeeded\)$/);
    const run = seen[0]!;
    expect(run).toMatchObject({ kind: 'periodic', job: 'nightly-image/app', repository: 'demo/app', namespace: 'default', resourceKind: 'PipelineRun' });
    expect((run.resource.spec as { pipelineRef: unknown }).pipelineRef).toEqual({ name: 'image-build' });
    expect(params(run)).toEqual({ 'repo-url': 'https://github.com/demo/app.git', revision: 'main', 'repo-full-name': 'demo/app', 'pull-request-number': '', context: 'images/app', image: 'ghcr.io/demo/app:nightly' });
    expect(await svc.core.store.getRun(run.name)).toMatchObject({ state: 'succeeded' });
    await expect(broken!.run(new AbortController().signal)).rejects.toThrow(/ghcr\.io\/demo\/broken:nightly from main: run image-build-broken-[a-z]{5} failed \(Failed\)/);
  });
});

describe('post-release tests', () => {
  it("queue the Release's postReleaseTests with the release's facts, as release runs on its commit", async () => {
    const commit = 'c'.repeat(40);
    const names = await startPostReleaseTests(svc.core, root, { project: 'demo', version: 'v1.2.0', commit, bucketPrefix: 'demo/v1.2.0' }, 'tekton-ci');
    expect(names).toHaveLength(2);
    const rows = await Promise.all(names.map((n) => svc.core.store.getRun(n)));
    expect(rows.map((r) => [r?.kind, r?.job, r?.sha, r?.repository])).toEqual([
      ['release', 'post-release/demo/install', commit, 'demo/app'],
      ['release', 'post-release/demo/smoke', commit, 'demo/app'],
    ]);
    expect(params(rows[0]!)).toEqual({ manifest: 'gs://demo-releases/demo/v1.2.0/release.yaml', version: 'v1.2.0' });
    expect((rows[1]!.resource.spec as { pipelineRef: unknown }).pipelineRef).toEqual({ name: 'smoke-test' });
    // asynchronous: they were queued, and they run and end like any run
    for (const n of names) await succeeded(n);
    expect(await startPostReleaseTests(svc.core, root, { project: 'other', version: 'v1', commit, bucketPrefix: 'x' }, 'tekton-ci')).toEqual([]);
  });

  it('fills only the known placeholders', () => {
    expect(fillPlaceholders('{bucket}/{bucketPrefix}/{nope}', { bucket: 'b', bucketPrefix: 'p' })).toBe('b/p/{nope}');
  });
});
