import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { executorBackend } from '../src/executor-backend.js';
import { createGitHub } from '@plumbing/github';
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

const pipeline = (exit: number) => `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: release
spec:
  params:
    - name: version
    - name: commit
    - name: upload
  workspaces:
    - name: source
  tasks:
    - name: build
      workspaces:
        - name: source
          workspace: source
      params:
        - name: version
          value: $(params.version)
        - name: upload
          value: $(params.upload)
      taskSpec:
        params:
          - name: version
          - name: upload
        workspaces:
          - name: source
        steps:
          - name: build
            image: docker.io/library/alpine:3.20
            env:
              - name: VERSION
                value: $(params.version)
              - name: UPLOAD
                value: $(params.upload)
              - name: SRC
                value: $(workspaces.source.path)
            script: |
              ls "$SRC/tasks/hello/0.1"
              echo "building $VERSION upload=$UPLOAD"
              exit ${exit}
`;

describe('local backend on the embedded executor (real executor, local GitHub API server)', () => {
  it('runs the release pipeline over the commit with the params contract, its output in the release log, then publishes', async () => {
    f = await makeFixture();
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': pipeline(0) }, message: 'release pipeline' }]);
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    const ctx = makeCtx(f, createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo'), { backends: { local: executorBackend() } });
    const p = await prepareRelease(ctx, { kind: 'nightly' });
    expect(p.plan.pipeline).toEqual({ name: 'release', found: true, file: 'pipelines/release/release.yaml', params: ['version', 'commit', 'upload'], workspaces: ['source'] });
    expect(p.plan.steps[0]).toMatchObject({ id: 'pipeline', action: 'run' });
    expect((await applyRelease(ctx, p)).status).toBe('released');
    const log = ctx.lines.join('\n');
    expect(log).toContain('hello.yaml');
    expect(log).toContain(`building ${p.plan.version} upload=false`);
    expect(existsSync(join(f.bucket, 'demo', 'nightly', p.plan.version, 'release.log'))).toBe(true);
  });

  it('a failing pipeline fails the release at the pipeline step, publishing nothing', async () => {
    f = await makeFixture();
    const [sha] = await commitAndPush(f, [{ files: { 'pipelines/release/release.yaml': pipeline(3) }, message: 'release pipeline' }]);
    gh.state.addStatus(REPO, sha!, { state: 'success', context: 'ci' });
    const ctx = makeCtx(f, createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo'), { backends: { local: executorBackend() } });
    await expect(applyRelease(ctx, await prepareRelease(ctx, { kind: 'nightly' }))).rejects.toMatchObject({ step: 'pipeline' });
    expect(gh.state.repo(REPO).releases).toEqual([]);
  });
});
