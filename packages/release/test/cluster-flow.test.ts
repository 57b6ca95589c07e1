import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import type { PipelineRunApi } from '@plumbing/kube';
import { clusterBackend } from '../src/cluster-backend.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from '../src/plan.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, pipelineOutputs, pipelineReleaseYaml, REPO } from './helpers.js';

let gh: GitHubServer;
let f: Fixture | undefined;
beforeAll(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.reset());
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

const PIPELINE = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  params:
    - name: version
    - name: bucket
      default: gs://demo-releases
    - name: upload
    - name: latest
    - name: artifacts
  tasks:
    - name: hello
      taskRef:
        name: hello
`;

/**
 * A PipelineRun port that "succeeds" at once and records what it was given (no API server here);
 * `pipeline` plays what the real pipeline does meanwhile (its draft task, its uploads).
 */
function succeedingApi(pipeline: (body: Record<string, unknown>) => void = () => {}): PipelineRunApi & { created: Record<string, unknown>[] } {
  const created: Record<string, unknown>[] = [];
  return {
    created,
    create: async (_ns, body) => {
      created.push(body);
      pipeline(body);
      return `demo-release-${created.length}`;
    },
    get: async () => ({ status: { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }] } }),
    taskRun: async () => undefined,
    cancel: async () => {},
    pods: async () => [],
    logs: async () => '',
  };
}

describe('a release through the cluster backend with a gs:// bucket (fake PipelineRun port, local GitHub API server)', () => {
  it('runs the pipeline once; its draft and assets are kept as they are (never mixed with the tool\'s), the objects are said not to be verified from here; a re-run changes nothing', async () => {
    f = await makeFixture(undefined, { bucketUrl: () => 'gs://demo-releases' });
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': PIPELINE, 'releases/demo.yaml': pipelineReleaseYaml('gs://demo-releases') }, message: 'release pipeline' }]);
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    // The pipeline's draft task: a draft with release/ as its assets (what the real github-release task does).
    const api = succeedingApi((body) => {
      const version = (body as { spec: { params: { name: string; value: string }[] } }).spec.params.find((x) => x.name === 'version')!.value;
      gh.state.addRelease(REPO, { tagName: version, targetCommitish: sha!, draft: true, prerelease: true, name: `demo ${version}`, body: 'from the pipeline', assets: pipelineOutputs(version) });
    });
    const ctx = () => makeCtx(f!, createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo'), { backends: { cluster: clusterBackend({ api, namespace: 'tekton-ci', pollMs: 0 }) } });
    const c1 = ctx();
    const p = await prepareRelease(c1, { kind: 'nightly', context: 'dogfooding' });
    expect(p.plan.refused).toBe(false);
    expect(p.plan.steps.map((s) => `${s.action} ${s.id}`)).toEqual([
      'run pipeline',
      'unknown bucket:*.tgz',
      'unknown bucket:release.yaml',
      'unknown bucket:checksums.txt',
      'create tag',
      'create release',
      'skip assets:unlisted',
      'create asset:*.tgz',
      'create asset:release.yaml',
      'create asset:checksums.txt',
      'update publish',
    ]);
    expect(p.plan.steps.find((s) => s.id === 'bucket:release.yaml')?.detail).toMatch(/NOT verified from this process/);
    expect((await applyRelease(c1, p)).status).toBe('released');
    expect(api.created).toHaveLength(1);
    const params = Object.fromEntries((api.created[0] as { spec: { params: { name: string; value: string }[] } }).spec.params.map((x) => [x.name, x.value]));
    // Only the params the pipeline declares; a nightly never moves latest/; the artifacts list is spec.artifacts.
    expect(params).toEqual({ version: p.plan.version, bucket: 'gs://demo-releases', upload: 'true', latest: 'false', artifacts: '*.tgz release.yaml checksums.txt' });
    const out = c1.lines.join('\n');
    expect(out).toMatch(/skip {2}bucket:release\.yaml .*NOT verified from this process/);
    expect(out).toMatch(/skip {2}asset:\*\.tgz {2}demo-a-1\.0\.0\.tgz on .*not verified from this process/);
    const releases = gh.state.repo(REPO).releases;
    expect(releases.map((r) => [r.tagName, r.draft, r.prerelease, r.assets.map((a) => a.name).sort()])).toEqual([[p.plan.version, false, true, ['checksums.txt', 'demo-a-1.0.0.tgz', 'release.yaml']]]);
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.includes('/assets'))).toEqual([]);

    const c2 = ctx();
    const again = await prepareRelease(c2, { kind: 'nightly', context: 'dogfooding' });
    expect(again.plan.noChange).toMatch(/nothing changed/);
    expect((await applyRelease(c2, again)).status).toBe('no-change');
    expect(api.created).toHaveLength(1);
  });

  it('a draft mixed by an earlier run (an asset spec.artifacts does not name) is cleaned to exactly the list before publishing', async () => {
    f = await makeFixture(undefined, { bucketUrl: () => 'gs://demo-releases' });
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': PIPELINE, 'releases/demo.yaml': pipelineReleaseYaml('gs://demo-releases') }, message: 'release pipeline' }]);
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    const api = succeedingApi((body) => {
      const version = (body as { spec: { params: { name: string; value: string }[] } }).spec.params.find((x) => x.name === 'version')!.value;
      gh.state.addRelease(REPO, { tagName: version, targetCommitish: sha!, draft: true, prerelease: true, assets: [...pipelineOutputs(version), { name: 'catalog.yaml', data: 'kind: Task\n' }] });
    });
    const c = makeCtx(f, createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo'), { backends: { cluster: clusterBackend({ api, namespace: 'tekton-ci', pollMs: 0 }) } });
    const p = await prepareRelease(c, { kind: 'nightly', context: 'dogfooding' });
    expect((await applyRelease(c, p)).status).toBe('released');
    expect(c.lines.join('\n')).toMatch(/^done {2}assets:unlisted {2}deleted catalog\.yaml from the draft$/m);
    expect(gh.state.repo(REPO).releases.map((r) => [r.draft, r.assets.map((a) => a.name).sort()])).toEqual([[false, ['checksums.txt', 'demo-a-1.0.0.tgz', 'release.yaml']]]);
  });
});
