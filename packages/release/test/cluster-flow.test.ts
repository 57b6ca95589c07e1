import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { clusterBackend, type PipelineRunApi } from '../src/cluster-backend.js';
import { octokitGitHub } from '../src/github.js';
import { prepareRelease } from '../src/plan.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, REPO } from './helpers.js';

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
  tasks:
    - name: hello
      taskRef:
        name: hello
`;

/** A PipelineRun port that "succeeds" at once and records what it was given (no API server here). */
function succeedingApi(): PipelineRunApi & { created: Record<string, unknown>[] } {
  const created: Record<string, unknown>[] = [];
  return {
    created,
    create: async (_ns, body) => {
      created.push(body);
      return `demo-release-${created.length}`;
    },
    get: async () => ({ status: { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }] } }),
    cancel: async () => {},
    pods: async () => [],
    logs: async () => '',
  };
}

describe('a release through the cluster backend with a gs:// bucket (fake PipelineRun port, local GitHub API server)', () => {
  it('runs the pipeline once, leaves the bucket to it, does the GitHub steps; a re-run changes nothing', async () => {
    f = await makeFixture(undefined, { bucketUrl: () => 'gs://demo-releases' });
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': PIPELINE }, message: 'release pipeline' }]);
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    const api = succeedingApi();
    const ctx = () => makeCtx(f!, octokitGitHub({ owner: 'demo', repo: 'demo', token: gh.token, baseUrl: gh.url }), { backends: { cluster: clusterBackend({ api, namespace: 'tekton-ci', pollMs: 0 }) } });
    const c1 = ctx();
    const p = await prepareRelease(c1, { kind: 'nightly', context: 'dogfooding' });
    expect(p.plan.refused).toBe(false);
    expect(p.plan.steps.map((s) => `${s.action} ${s.id}`)).toEqual(['run pipeline', 'unknown bucket:release.yaml', 'create tag', 'create release', 'create asset:release.yaml', 'update publish']);
    expect((await applyRelease(c1, p)).status).toBe('released');
    expect(api.created).toHaveLength(1);
    const params = Object.fromEntries((api.created[0] as { spec: { params: { name: string; value: string }[] } }).spec.params.map((x) => [x.name, x.value]));
    // Only the params the pipeline declares; a nightly never moves latest/.
    expect(params).toEqual({ version: p.plan.version, bucket: 'gs://demo-releases', upload: 'true', latest: 'false' });
    expect(c1.lines.join('\n')).toMatch(/skip {2}bucket:release\.yaml .*not verified from here/);
    expect(gh.state.repo(REPO).releases.map((r) => [r.tagName, r.draft, r.prerelease])).toEqual([[p.plan.version, false, true]]);

    const c2 = ctx();
    const again = await prepareRelease(c2, { kind: 'nightly', context: 'dogfooding' });
    expect(again.plan.noChange).toMatch(/nothing changed/);
    expect((await applyRelease(c2, again)).status).toBe('no-change');
    expect(api.created).toHaveLength(1);
  });
});
