// A release through the cluster backend with a file:// bucket, end to end on a real API server
// (kube-testenv, Tekton CRDs). No Tekton controller runs here, so the test plays the release
// pipeline the way the real one behaves with upload "true": it reads the PipelineRun's params,
// writes its release/ (a packed package, release.yaml, checksums.txt) under bucket-prefix in the
// bucket, then sets the PipelineRun's status. GitHub is the local server speaking its REST
// protocol (@plumbing/test-utils). The tool must verify exactly spec.artifacts in the bucket and
// draft the release with exactly those assets; a re-run converges with nothing duplicated.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectPipelineRunApi, KubeClient } from '@plumbing/kube';
import { kubeTestenvFromEnv } from '@plumbing/kube-testenv';
import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitAndPush, type Fixture, makeCtx, makeFixture, pipelineOutputs, pipelineReleaseYaml, REPO } from '../test/helpers.js';
import { applyRelease } from './apply.js';
import { clusterBackend } from './cluster-backend.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from './plan.js';

const NS = 'release-flow-e2e';
const RUN = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' } as const;
const PIPELINE = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  params:
    - name: version
    - name: commit
    - name: bucket
    - name: bucket-prefix
    - name: upload
    - name: latest
    - name: artifacts
  workspaces:
    - name: source
    - name: bucket
  tasks:
    - name: hello
      taskRef:
        name: hello
`;

let kubeconfig: string;
let kube: KubeClient;
let gh: GitHubServer;
let f: Fixture | undefined;
const seen = new Set<string>();

beforeAll(async () => {
  const env = await kubeTestenvFromEnv();
  kubeconfig = env.kubeconfigPath;
  kube = await KubeClient.connect({ kubeconfig });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  gh = await startGitHubServer({ repos: [REPO] });
});
afterAll(async () => {
  await gh?.close();
});
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

type Run = { metadata: { name: string }; spec: { params: { name: string; value: string }[]; workspaces: Record<string, unknown>[] } };

/** Waits for the tool's new PipelineRun on the API server. */
async function created(): Promise<Run> {
  for (;;) {
    const list = { items: (await kube.list(RUN.apiVersion, RUN.kind, { namespace: NS })) as unknown as Run[] };
    const fresh = list.items.find((i) => !seen.has(i.metadata.name));
    if (fresh) {
      seen.add(fresh.metadata.name);
      return fresh;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Plays the release pipeline for one PipelineRun: uploads `files` under its bucket-prefix, then succeeds. */
async function playPipeline(bucketDir: string, files: (version: string) => { name: string; data: Buffer }[]): Promise<Run> {
  const run = await created();
  const p = Object.fromEntries(run.spec.params.map((x) => [x.name, x.value]));
  const dir = join(bucketDir, ...String(p['bucket-prefix']).split('/'));
  await mkdir(dir, { recursive: true });
  for (const file of files(String(p.version))) await writeFile(join(dir, file.name), file.data);
  await kube.patchStatus({ ...RUN, namespace: NS, name: run.metadata.name }, { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1' }] });
  return run;
}

async function setup(): Promise<{ sha: string; ctx: () => ReturnType<typeof makeCtx> }> {
  f = await makeFixture();
  const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': PIPELINE, 'releases/demo.yaml': pipelineReleaseYaml(`file://${f.bucket}`) }, message: 'release pipeline, artifacts = its release/' }]);
  gh.reset();
  gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
  const backend = clusterBackend({ api: connectPipelineRunApi({ kubeconfig }), namespace: NS, pollMs: 50 });
  const ctx = () => makeCtx(f!, createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo'), { backends: { cluster: backend } });
  return { sha: sha!, ctx };
}

describe('cluster backend with a file:// bucket on a real API server (the pipeline played by the test; local GitHub API server)', () => {
  it('the pipeline uploads spec.artifacts, the tool verifies them in the bucket and drafts the release with exactly those assets; a resumed attempt and a re-run duplicate nothing', async () => {
    const { sha, ctx } = await setup();
    const c1 = ctx();
    const p = await prepareRelease(c1, { kind: 'nightly', context: 'dogfooding' });
    expect(p.plan.refused).toBe(false);
    expect(p.plan.steps.map((s) => `${s.action} ${s.id}`)).toEqual([
      'run pipeline',
      'run bucket:*.tgz',
      'run bucket:release.yaml',
      'run bucket:checksums.txt',
      'create tag',
      'create release',
      'skip assets:unlisted',
      'create asset:*.tgz',
      'create asset:release.yaml',
      'create asset:checksums.txt',
      'update publish',
    ]);
    // The first asset upload fails once: the attempt fails after the pipeline and the draft.
    const fault = gh.inject({ method: 'POST', path: /\/releases\/\d+\/assets$/, status: 500, times: 1 });
    const applying = applyRelease(c1, p);
    const run = await playPipeline(f!.bucket, pipelineOutputs);
    const params = Object.fromEntries(run.spec.params.map((x) => [x.name, x.value]));
    expect(params).toMatchObject({ bucket: 'file:///', 'bucket-prefix': p.plan.bucketPrefix, upload: 'true', artifacts: '*.tgz release.yaml checksums.txt' });
    expect(run.spec.workspaces).toContainEqual({ name: 'bucket', persistentVolumeClaim: { claimName: 'plumbing-release-bucket' } });
    await expect(applying).rejects.toMatchObject({ code: 'RELEASE_STEP_FAILED' });
    expect(fault.hits).toBe(1);
    const out1 = c1.lines.join('\n');
    expect(out1).toMatch(/^skip {2}bucket:\*\.tgz {2}the pipeline uploaded demo-a-1\.0\.0\.tgz .*verified against checksums\.txt$/m);
    expect(out1).toMatch(/^skip {2}bucket:checksums\.txt {2}the pipeline uploaded checksums\.txt/m);

    // The re-run resumes: the pipeline is not run again (its uploads are there), the draft is reused.
    const c2 = ctx();
    const resumed = await prepareRelease(c2, { kind: 'nightly', context: 'dogfooding' });
    expect(resumed.plan.version).toBe(p.plan.version);
    expect(resumed.plan.steps.filter((s) => s.id === 'pipeline' || s.kind === 'bucket').map((s) => s.action)).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect((await applyRelease(c2, resumed)).status).toBe('released');
    expect(seen.size).toBe(1);
    const releases = gh.state.repo(REPO).releases;
    expect(releases.map((r) => ({ tag: r.tagName, draft: r.draft, prerelease: r.prerelease, target: r.targetCommitish, assets: r.assets.map((a) => a.name).sort() }))).toEqual([
      { tag: p.plan.version, draft: false, prerelease: true, target: sha, assets: ['checksums.txt', 'demo-a-1.0.0.tgz', 'release.yaml'] },
    ]);
    // The assets are the bucket's bytes, byte for byte.
    const expected = new Map(pipelineOutputs(p.plan.version).map((x) => [x.name, x.data]));
    for (const a of releases[0]!.assets) expect(a.data).toEqual(expected.get(a.name));
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path === `/repos/${REPO}/releases`)).toHaveLength(1);

    // Again: nothing changed since the last nightly.
    const c3 = ctx();
    const again = await prepareRelease(c3, { kind: 'nightly', context: 'dogfooding' });
    expect(again.plan.noChange).toMatch(/nothing changed/);
    expect((await applyRelease(c3, again)).status).toBe('no-change');
    expect(seen.size).toBe(1);
    expect((await readdir(join(f!.bucket, ...p.plan.bucketPrefix.split('/')))).sort()).toEqual(['checksums.txt', 'demo-a-1.0.0.tgz', 'journal.json', 'release.log', 'release.yaml']);
  });

  it('refuses to draft when the bucket does not hold spec.artifacts (a package missing from checksums.txt): no release on GitHub', async () => {
    const { ctx } = await setup();
    const c = ctx();
    const p = await prepareRelease(c, { kind: 'nightly', context: 'dogfooding' });
    const applying = applyRelease(c, p);
    // This "pipeline" uploads a second package that its checksums.txt does not list.
    await playPipeline(f!.bucket, (v) => [...pipelineOutputs(v), { name: 'demo-b-1.0.0.tgz', data: Buffer.from('stray\n') }]);
    await expect(applying).rejects.toMatchObject({ code: 'RELEASE_STEP_FAILED' });
    expect(c.lines.join('\n')).toMatch(/^FAIL {2}bucket:\*\.tgz {2}the release pipeline's outputs do not verify .*demo-b-1\.0\.0\.tgz is not in checksums\.txt/m);
    expect(gh.state.repo(REPO).releases).toEqual([]);
  });
});
