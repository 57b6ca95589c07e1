import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitHubServer, git, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import type { ReleaseBackend, ReleaseRequest } from '../src/types.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from '../src/plan.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, REPO, TASK } from './helpers.js';

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

const port = () => createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo');

/** A cluster backend that must never be reached by a refused release. */
const fakeCluster: ReleaseBackend = {
  name: 'cluster',
  pipelineUploads: true,
  describe: () => 'create the release PipelineRun',
  runPipeline: async () => {
    throw new Error('a refused release must not run the pipeline');
  },
};

async function fixture(): Promise<Fixture> {
  const fx = await makeFixture();
  await git(fx.work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x']);
  await git(fx.work, ['fetch', '--quiet', 'origin']);
  gh.state.addStatus(REPO, fx.shas[0]!, { state: 'success', context: 'ci' });
  return fx;
}

/** Plans and applies; returns the failed checks (the release must refuse and change nothing). */
async function refusals(fx: Fixture, req: ReleaseRequest, over: Parameters<typeof makeCtx>[2] = {}) {
  const ctx = makeCtx(fx, port(), { backends: { cluster: fakeCluster }, currentKubeContext: () => undefined, ...over });
  const p = await prepareRelease(ctx, req);
  const before = gh.requests.filter((r) => r.method !== 'GET').length;
  const err = await applyRelease(ctx, p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: 'RELEASE_REFUSED' });
  expect(gh.requests.filter((r) => r.method !== 'GET').length).toBe(before);
  return p.plan.checks.filter((c) => c.status === 'fail').map((c) => ({ id: c.id, reason: c.reason, hint: c.hint }));
}

const full = (over: Partial<ReleaseRequest> = {}): ReleaseRequest => ({ kind: 'full', version: 'v0.1.0', ...over });

describe('pre-release checks refuse with a reason and the way forward (local GitHub API server)', () => {
  it('passes every check on a clean, pushed, green commit', async () => {
    f = await fixture();
    const { plan } = await prepareRelease(makeCtx(f, port()), full());
    expect(plan.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('refuses a dirty working tree', async () => {
    f = await fixture();
    await writeFile(join(f.work, 'tasks', 'hello', '0.1', 'hello.yaml'), `${TASK('hello')}# local edit\n`);
    expect(await refusals(f, full())).toEqual([{ id: 'clean-tree', reason: expect.stringMatching(/1 uncommitted change.*hello\.yaml/), hint: expect.stringMatching(/commit .* or stash/) }]);
  });

  it("does not count the tool's own .plumbing/ state as a dirty tree (a resume after a failure)", async () => {
    f = await fixture();
    const [sha] = await commitAndPush(f, [{ files: { '.gitignore': null }, message: 'no ignore file' }], 'release-v0.1.x');
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    await mkdir(join(f.work, '.plumbing', 'releases', 'demo', 'v0.1.0'), { recursive: true });
    await writeFile(join(f.work, '.plumbing', 'releases', 'demo', 'v0.1.0', 'journal.json'), '{}');
    const { plan } = await prepareRelease(makeCtx(f, port()), full());
    expect(plan.checks.find((c) => c.id === 'clean-tree')).toMatchObject({ status: 'pass' });
  });

  it('refuses a commit that is not on the remote release branch', async () => {
    f = await fixture();
    const [local] = await (await import('@plumbing/test-utils')).makeGitRepo(f.work, [{ files: { 'x.txt': 'x' }, message: 'local only' }]);
    gh.state.addStatus(REPO, local!, { state: 'success', context: 'ci' });
    expect(await refusals(f, full())).toEqual([{ id: 'remote-branch', reason: expect.stringMatching(/is not on origin\/release-v0\.1\.x/), hint: expect.stringMatching(/git fetch/) }]);
  });

  it('refuses when the release branch of the version line does not exist', async () => {
    f = await fixture();
    expect(await refusals(f, full({ version: 'v0.2.0' }))).toEqual([{ id: 'remote-branch', reason: 'there is no origin/release-v0.2.x', hint: expect.stringMatching(/cut-release-branch\.mjs --version v0\.2\.0/) }]);
  });

  it('refuses when CI failed (combined status) or a check run failed or is still running', async () => {
    f = await fixture();
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'failure', context: 'ci' });
    expect(await refusals(f, full())).toEqual([{ id: 'ci', reason: expect.stringMatching(/CI is not green on .*: ci failure/), hint: expect.stringMatching(/wait for CI/) }]);
    gh.reset();
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'success', context: 'ci' });
    gh.state.addCheckRun(REPO, { headSha: f.shas[0]!, name: 'e2e', status: 'in_progress' });
    expect(await refusals(f, full())).toEqual([{ id: 'ci', reason: expect.stringMatching(/CI is pending on .*: e2e in_progress/), hint: expect.any(String) }]);
  });

  it('refuses when no CI reported on the commit', async () => {
    f = await fixture();
    gh.reset();
    expect(await refusals(f, full())).toEqual([{ id: 'ci', reason: expect.stringMatching(/no CI status or check run/), hint: expect.any(String) }]);
  });

  it('refuses a kube context the config does not allow for this project', async () => {
    f = await fixture();
    await git(f.work, ['push', '--quiet']);
    expect(await refusals(f, full({ context: 'prod-cluster' }))).toContainEqual({ id: 'target', reason: 'kube context prod-cluster is not one releases/demo.yaml allows for demo (allowed: dogfooding)', hint: expect.stringMatching(/--context dogfooding/) });
  });

  it('refuses a current kube context that is not allowed when no --context is given (cluster backend)', async () => {
    f = await fixture();
    const r = await refusals(f, full({ backend: 'cluster' }), { currentKubeContext: () => 'kind-kind' });
    expect(r.find((x) => x.id === 'target')).toMatchObject({ reason: expect.stringMatching(/kube context kind-kind is not one/) });
  });

  it('refuses a bucket or an image registry other than the configured ones', async () => {
    f = await fixture();
    expect(await refusals(f, full({ bucket: 'gs://someone-else', imageRegistry: 'docker.io/me' }))).toEqual([
      { id: 'bucket', reason: expect.stringMatching(/^bucket gs:\/\/someone-else is not the configured file:\/\//), hint: expect.stringMatching(/drop --bucket/) },
      { id: 'image-registry', reason: 'image registry docker.io/me is not the configured ghcr.io/demo', hint: expect.stringMatching(/drop --image-registry/) },
    ]);
  });

  it('refuses when the release pipeline references a task version missing from the catalog at that commit', async () => {
    f = await fixture();
    const pipeline = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  params:
    - name: bucket
      default: gs://wrong-bucket
    - name: image-registry
      default: ""
  tasks:
    - name: hello
      taskRef:
        name: hello
    - name: publish
      taskRef:
        name: publish-release
    - name: hub
      taskRef:
        resolver: hub
        params:
          - name: name
            value: hello
          - name: version
            value: "0.2"
`;
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': pipeline } }].map((c) => ({ ...c, message: 'release pipeline' })), 'release-v0.1.x');
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    const r = await refusals(f, full());
    expect(r).toEqual([
      { id: 'catalog', reason: expect.stringMatching(/pipelines\/release\/release\.yaml references what the catalog does not have at [0-9a-f]{7}: Task publish-release, Task hello version 0\.2$/), hint: expect.any(String) },
      { id: 'bucket', reason: expect.stringMatching(/default bucket of pipelines\/release\/release\.yaml is gs:\/\/wrong-bucket/), hint: expect.any(String) },
    ]);
  });

  it('refuses the cluster backend when the release pipeline is not in the repository', async () => {
    f = await fixture();
    const r = await refusals(f, full({ context: 'dogfooding' }));
    expect(r).toEqual([
      { id: 'catalog', reason: expect.stringMatching(/release pipeline release is not in the repository/), hint: expect.stringMatching(/add pipelines\/release/) },
      // The fixture's artifact is tool-built (paths): on the cluster every artifact is a pipeline output.
      { id: 'artifacts', reason: expect.stringMatching(/release\.yaml is built by the tool \(paths\), but with the cluster backend every artifact is a build output/), hint: expect.stringMatching(/spec\.artifacts/) },
    ]);
  });

  it('refuses a version that is not greater than a published release of its line, or not semver', async () => {
    f = await fixture();
    gh.state.addRelease(REPO, { tagName: 'v0.1.3' });
    expect(await refusals(f, full({ version: 'v0.1.2' }))).toContainEqual({ id: 'version', reason: 'v0.1.2 is not greater than v0.1.3, already published on the 0.1 line', hint: 'release v0.1.4 instead' });
    await expect(prepareRelease(makeCtx(f, port()), full({ version: 'v0.1' }))).rejects.toMatchObject({ exitCode: 2, message: 'v0.1 is not a valid version', hint: expect.stringMatching(/vX\.Y\.Z/) });
  });

  it('refuses a version whose tag exists on another commit', async () => {
    f = await fixture();
    gh.state.setRef(REPO, 'refs/tags/v0.1.0', 'a'.repeat(40));
    expect(await refusals(f, full())).toContainEqual({ id: 'tag', reason: `tag v0.1.0 already exists on aaaaaaa, not ${f.shas[0]!.slice(0, 7)}`, hint: expect.stringMatching(/next version/) });
  });

  it('refuses to apply without a GITHUB_TOKEN (the plan still works offline)', async () => {
    f = await fixture();
    const ctx = makeCtx(f, undefined);
    const p = await prepareRelease(ctx, full());
    await expect(applyRelease(ctx, p)).rejects.toMatchObject({ code: 'RELEASE_REFUSED', message: expect.stringMatching(/GITHUB_TOKEN is not set/) });
  });
});
