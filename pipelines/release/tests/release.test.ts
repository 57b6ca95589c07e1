import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type GitHttpServer,
  type GitHubServer,
  makeGitRepo,
  makeTempDir,
  REPO_ROOT,
  removeTempDir,
  result,
  runPipeline,
  secretDir,
  startGitHttpServer,
  startGitHubServer,
} from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PIPELINE = join(import.meta.dirname, '..', 'release.yaml');
const HELLO_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
  labels:
    app.kubernetes.io/version: "0.1"
spec:
  steps:
    - name: hello
      image: docker.io/library/alpine:3.20
      script: |
        #!/bin/sh
        echo hello
`;
const CLUSTER = `apiVersion: plumbing.dev/v1alpha1
kind: Cluster
metadata:
  name: prod
spec:
  context: prod
  sources:
    - path: tasks
      namespace: ci
`;

let root: string;
let git: GitHttpServer;
let gh: GitHubServer;
let token: string;
let good: string;
let bad: string;

function project(test: string): Record<string, string> {
  return {
    '.plumbing.yaml': 'check: {}\n',
    'package.json': JSON.stringify({ name: 'proj', private: true, workspaces: ['packages/a', 'packages/b'], scripts: { test } }),
    'packages/a/package.json': JSON.stringify({ name: 'proj-a', version: '1.0.0' }),
    'packages/a/index.js': 'module.exports = 1;\n',
    'packages/b/package.json': JSON.stringify({ name: 'proj-b', version: '2.0.0' }),
    'packages/b/index.js': 'module.exports = 2;\n',
    'tasks/hello/0.1/hello.yaml': HELLO_TASK,
    'clusters/prod/cluster.yaml': CLUSTER,
  };
}

beforeAll(async () => {
  // collect-logs reads the run records of this repository (`plumbing run` writes them here); a fresh clone has none yet
  await mkdir(join(REPO_ROOT, '.plumbing', 'runs'), { recursive: true });
  root = await makeTempDir('release-pipeline-test-');
  good = (await makeGitRepo(join(root, 'repos', 'proj'), [{ files: project("node -e \"console.log('tests pass')\""), message: 'release me' }]))[0]!;
  bad = (await makeGitRepo(join(root, 'repos', 'broken'), [{ files: project("node -e \"process.exit(1)\""), message: 'broken' }]))[0]!;
  git = await startGitHttpServer(join(root, 'repos'));
  gh = await startGitHubServer({ repos: ['org/proj', 'org/broken'], seed: (s) => s.addRelease('org/proj', { tagName: 'v0.1.0', createdAt: '2024-01-01T00:00:00Z' }) });
  token = await secretDir(root, 'github-token', { token: gh.token });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await git?.close();
  await gh?.close();
  await removeTempDir(root);
});

async function release(p: Record<string, string>, bucket: string) {
  const source = join(root, `source-${Math.random().toString(36).slice(2)}`);
  await mkdir(source);
  return runPipeline(PIPELINE, {
    params: { project: 'proj', commit: good!, 'git-url': `${git.url}/proj`, repository: 'org/proj', bucket: 'file:///', 'github-api-url': gh.url, cluster: 'prod', 'image-registry': 'ghcr.io/org', ...p },
    workspaces: { source, 'github-token': token, bucket, logs: join(REPO_ROOT, '.plumbing', 'runs') },
  });
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

const ARTIFACTS = ['checksums.txt', 'proj-a-1.0.0.tgz', 'proj-b-2.0.0.tgz', 'release.yaml'];

describe('release pipeline end to end (local git server, file:// bucket, local GitHub API server)', () => {
  it('a full release: version, clone, check, test, pack, render, publish to previous/<v> and latest/, a draft with assets, logs and status', async () => {
    const bucket = join(root, 'bucket-full');
    await mkdir(bucket);
    const { run, code } = await release({ 'release-kind': 'full', version: 'v0.2.0', 'previous-version': 'v0.1.0', 'bucket-prefix': 'proj/previous/v0.2.0', latest: 'true' }, bucket);
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'version')).toBe('v0.2.0');
    expect(result(run, 'bucket-url')).toBe('file:///proj/previous/v0.2.0');
    const all = await files(bucket);
    expect(all.filter((f) => !f.includes('/logs/'))).toEqual([...ARTIFACTS.map((f) => `proj/latest/${f}`), ...ARTIFACTS.map((f) => `proj/previous/v0.2.0/${f}`)]);
    expect(all).toContain(`proj/previous/v0.2.0/logs/${run.name}/logs.txt`);
    const logs = await readFile(join(bucket, `proj/previous/v0.2.0/logs/${run.name}/logs.txt`), 'utf8');
    expect(logs).toContain('tests pass');
    const manifest = await readFile(join(bucket, 'proj/previous/v0.2.0/release.yaml'), 'utf8');
    expect(manifest).toContain(`# v0.2.0 (${good}): the resources of clusters/prod`);
    expect(manifest).toMatch(/kind: Task\nmetadata:\n {2}name: hello\n(?: {4}.*\n| {2}labels:\n)* {2}namespace: ci\n/);
    const drafts = gh.state.repo('org/proj').releases.filter((r) => r.tagName === 'v0.2.0');
    expect(drafts.map((r) => ({ draft: r.draft, prerelease: r.prerelease, target: r.targetCommitish, name: r.name, assets: r.assets.map((a) => a.name).sort() }))).toEqual([
      { draft: true, prerelease: false, target: good, name: 'proj v0.2.0', assets: ARTIFACTS },
    ]);
    expect(drafts[0]!.body).toContain('Artifacts: file:///proj/previous/v0.2.0 · images: ghcr.io/org');
    const statuses = gh.requests.filter((r) => r.path.includes('/statuses/')).map((r) => r.body);
    expect(statuses).toEqual([{ state: 'success', context: 'release/full', description: 'full release Succeeded', target_url: `https://dashboard.example.org/#/namespaces/tekton-ci/pipelineruns/${run.name}` }]);
  });

  it('a nightly: published under nightly/<v>, latest/ untouched, a prerelease draft', async () => {
    const bucket = join(root, 'bucket-nightly');
    await mkdir(bucket);
    const version = `v0.2.0-nightly.20240102+${good!.slice(0, 7)}`;
    const { run } = await release({ 'release-kind': 'nightly', version, 'previous-version': 'v0.1.0', 'bucket-prefix': `proj/nightly/${version}` }, bucket);
    expect(run.succeeded).toBe('True');
    expect(run.taskRuns.find((t) => t.pipelineTaskName === 'publish-latest')).toBeUndefined();
    expect((await files(bucket)).filter((f) => !f.includes('/logs/'))).toEqual(ARTIFACTS.map((f) => `proj/nightly/${version}/${f}`));
    expect(gh.state.repo('org/proj').releases.filter((r) => r.tagName === version).map((r) => [r.draft, r.prerelease])).toEqual([[true, true]]);
  });

  it('upload "false" (the local backend of plumbing release): builds and tests only, no bucket, no GitHub, no token', async () => {
    const bucket = join(root, 'bucket-local');
    await mkdir(bucket);
    const source = join(root, 'source-local');
    await mkdir(source);
    const { run } = await runPipeline(PIPELINE, {
      params: { project: 'proj', 'release-kind': 'full', version: 'v0.2.0', 'previous-version': 'v0.1.0', commit: good!, 'git-url': `${git.url}/proj`, repository: 'org/proj', bucket: 'file:///', 'bucket-prefix': 'proj/previous/v0.2.0', cluster: 'prod', upload: 'false', latest: 'true' },
      workspaces: { source },
    });
    expect(run.succeeded).toBe('True');
    expect(run.taskRuns.map((t) => t.pipelineTaskName).sort()).toEqual(['build', 'check', 'clone', 'render', 'test', 'version']);
    expect(await files(join(source, 'release'))).toEqual(ARTIFACTS);
    expect(await files(bucket)).toEqual([]);
    expect(gh.requests).toEqual([]);
  });

  it('the artifacts param is the list release/ must hold: a file it does not name, or a name nothing matches, fails render', async () => {
    const run = async (artifacts: string) => {
      const source = join(root, `source-art-${Math.random().toString(36).slice(2)}`);
      await mkdir(source);
      return (
        await runPipeline(PIPELINE, {
          params: { project: 'proj', 'release-kind': 'full', version: 'v0.2.0', 'previous-version': 'v0.1.0', commit: good!, 'git-url': `${git.url}/proj`, repository: 'org/proj', bucket: 'file:///', 'bucket-prefix': 'proj/previous/v0.2.0', cluster: 'prod', upload: 'false', 'run-tests': 'false', artifacts },
          workspaces: { source },
        })
      ).run;
    };
    const unlisted = await run('release.yaml checksums.txt');
    expect(unlisted.succeeded).toBe('False');
    expect(unlisted.taskRuns.find((t) => t.pipelineTaskName === 'render')?.succeeded).toBe('False');
    const unmatched = await run('*.tgz release.yaml checksums.txt catalog.yaml');
    expect(unmatched.taskRuns.find((t) => t.pipelineTaskName === 'render')?.succeeded).toBe('False');
    expect((await run('proj-*.tgz release.yaml checksums.txt')).succeeded).toBe('True');
  });

  it('a failing test: nothing published, no draft, but the logs are collected and failure is reported', async () => {
    const bucket = join(root, 'bucket-fail');
    await mkdir(bucket);
    const { run, code } = await release({ 'release-kind': 'full', version: 'v0.2.0', 'previous-version': 'v0.1.0', 'bucket-prefix': 'broken/previous/v0.2.0', commit: bad!, 'git-url': `${git.url}/broken`, repository: 'org/broken', project: 'broken' }, bucket);
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(run.taskRuns.find((t) => t.pipelineTaskName === 'test')?.succeeded).toBe('False');
    const inBucket = await files(bucket);
    expect(inBucket).toContain(`broken/previous/v0.2.0/logs/${run.name}/logs.txt`);
    expect(inBucket.every((f) => f.startsWith(`broken/previous/v0.2.0/logs/${run.name}/`))).toBe(true);
    expect(await readFile(join(bucket, `broken/previous/v0.2.0/logs/${run.name}/logs.txt`), 'utf8')).toContain('npm run test');
    expect(gh.state.repo('org/broken').releases).toEqual([]);
    expect(gh.requests.filter((r) => r.path.includes('/statuses/')).map((r) => (r.body as { state: string }).state)).toEqual(['failure']);
  });

  it('a wrong version is refused before anything is cloned or published', async () => {
    const bucket = join(root, 'bucket-wrong');
    await mkdir(bucket);
    const { run } = await release({ 'release-kind': 'full', version: 'v0.1.0', 'previous-version': 'v0.1.0', 'bucket-prefix': 'proj/previous/v0.1.0' }, bucket);
    expect(run.succeeded).toBe('False');
    expect(run.taskRuns.map((t) => t.pipelineTaskName).sort()).toEqual(['collect-logs', 'report', 'version']);
    expect((await files(bucket)).every((f) => f.startsWith('proj/previous/v0.1.0/logs/'))).toBe(true);
  });

  it('a re-run of a published version stops at the bucket: previous/<v> is never overwritten, and no second draft', async () => {
    const bucket = join(root, 'bucket-again');
    await mkdir(bucket);
    const p = { 'release-kind': 'full', version: 'v0.3.0', 'previous-version': 'v0.1.0', 'bucket-prefix': 'proj/previous/v0.3.0' };
    expect((await release(p, bucket)).run.succeeded).toBe('True');
    const before = await readFile(join(bucket, 'proj/previous/v0.3.0/release.yaml'));
    const again = await release(p, bucket);
    expect(again.run.succeeded).toBe('False');
    expect(again.run.taskRuns.find((t) => t.pipelineTaskName === 'publish-version')?.succeeded).toBe('False');
    expect(await readFile(join(bucket, 'proj/previous/v0.3.0/release.yaml'))).toEqual(before);
    expect(gh.state.repo('org/proj').releases.filter((r) => r.tagName === 'v0.3.0')).toHaveLength(1);
  });
});
