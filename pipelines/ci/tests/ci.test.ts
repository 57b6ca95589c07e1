import { mkdir, mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type GitHubServer, makeGitRepo, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '@plumbing/test-utils';

import { result, runPipeline, secretDir } from '@plumbing/test-utils';

const PIPELINE = join(import.meta.dirname, '..', 'ci.yaml');
const GO_CACHE = resolve(import.meta.dirname, '..', '..', '..', 'tasks', '.cache', 'go');
const TEKTON_TASK = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: hello\nspec:\n  steps:\n    - name: hello\n      image: docker.io/library/alpine:3.20\n      script: |\n        #!/bin/sh\n        echo hello\n';

let root: string;
let git: GitHttpServer;
let gh: GitHubServer;
let token: string;
const heads: Record<string, string> = {};

beforeAll(async () => {
  root = await makeTempDir('ci-pipeline-test-');
  const repos = join(root, 'repos');
  const node = { 'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node test.js' } }), 'test.js': "console.log('node tests ok')\n", 'tekton/hello.yaml': TEKTON_TASK };
  heads.node = (await makeGitRepo(join(repos, 'node-app'), [{ files: node, message: 'node app' }]))[0]!;
  heads.nodeFail = (await makeGitRepo(join(repos, 'node-fail'), [{ files: { ...node, 'test.js': "throw new Error('a failing test')\n" }, message: 'broken' }]))[0]!;
  const go = {
    'go.mod': 'module example.com/app\n\ngo 1.21\n',
    'main.go': 'package main\n\nfunc main() { println(add(1, 2)) }\n\nfunc add(a, b int) int { return a + b }\n',
    'main_test.go': 'package main\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif add(1, 2) != 3 {\n\t\tt.Fatal("bad")\n\t}\n}\n',
  };
  heads.go = (await makeGitRepo(join(repos, 'go-app'), [{ files: go, message: 'go app' }]))[0]!;
  heads.other = (await makeGitRepo(join(repos, 'docs'), [{ files: { 'README.md': '# docs\n' }, message: 'docs' }]))[0]!;
  git = await startGitHttpServer(repos);
  gh = await startGitHubServer({ repos: ['org/node-app', 'org/node-fail', 'org/go-app', 'org/docs'] });
  token = await secretDir(root, 'github-token', { token: gh.token });
  await mkdir(GO_CACHE, { recursive: true });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await git?.close();
  await gh?.close();
  await removeTempDir(root);
});

async function ci(repo: string, sha: string) {
  // a PVC-like directory: an emptyDir is not shared between TaskRuns (as in Tekton)
  const source = await mkdtemp(join(root, 'source-'));
  return runPipeline(PIPELINE, {
    params: { 'repo-url': `${git.url}/${repo}`, revision: sha, 'repo-full-name': `org/${repo}`, 'pull-request-number': '12', 'github-api-url': gh.url, 'logs-url': 'https://logs.example/runs' },
    workspaces: { source, 'github-token': token, cache: GO_CACHE },
  });
}

const statuses = (sha: string) => gh.requests.filter((r) => r.path.endsWith(`/statuses/${sha}`)).map((r) => (r.body as { state: string }).state);

describe('ci pipeline end to end (local git server, local GitHub API server)', () => {
  it('a Node repository: clone, detect node, check, npm test; pending then success on the commit, with the logs link', async () => {
    const { run, code } = await ci('node-app', heads.node!);
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'commit')).toBe(heads.node);
    expect(result(run, 'build-type')).toBe('node');
    expect(result(run, 'check-errors')).toBe('0');
    const byTask = Object.fromEntries(run.taskRuns.map((t) => [t.pipelineTaskName, t.reason]));
    expect(byTask).toMatchObject({ clone: 'Succeeded', detect: 'Succeeded', check: 'Succeeded', 'npm-test': 'Succeeded', report: 'Succeeded' });
    expect(byTask['go-build']).toBeUndefined();
    expect(byTask.untested).toBeUndefined();
    expect(statuses(heads.node!)).toEqual(['pending', 'success']);
    const final = gh.state.repo('org/node-app').statuses.at(-1)!;
    expect(final.context).toBe('tekton/ci');
    expect(final.targetUrl).toBe(`https://logs.example/runs/${run.name}`);
  });

  it('a Go repository: go build and go test run, npm does not; the summary is a result', async () => {
    const { run } = await ci('go-app', heads.go!);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'build-type')).toBe('go');
    expect(result(run, 'go-test-summary')).toBe('1 passed, 0 failed, 0 skipped');
    expect(run.taskRuns.map((t) => t.pipelineTaskName)).not.toContain('npm-test');
    expect(statuses(heads.go!)).toEqual(['pending', 'success']);
  });

  it('a failing test fails the run and reports failure on the commit', async () => {
    const { run, code } = await ci('node-fail', heads.nodeFail!);
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(run.taskRuns.find((t) => t.pipelineTaskName === 'npm-test')?.succeeded).toBe('False');
    expect(statuses(heads.nodeFail!)).toEqual(['pending', 'failure']);
  });

  it('a repository of an unknown type: nothing is tested, so the run fails and the commit gets failure, not success', async () => {
    const { run, code } = await ci('docs', heads.other!);
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(result(run, 'build-type')).toBe('unknown');
    const byTask = Object.fromEntries(run.taskRuns.map((t) => [t.pipelineTaskName, t.succeeded]));
    expect(byTask).toMatchObject({ clone: 'True', detect: 'True', check: 'True', untested: 'False', report: 'True' });
    expect(byTask['npm-test']).toBeUndefined();
    expect(statuses(heads.other!)).toEqual(['pending', 'failure']);
  });

  it('a clone failure (unknown commit) still reports failure on the commit', async () => {
    const sha = 'f'.repeat(40);
    const { run } = await ci('node-app', sha);
    expect(run.succeeded).toBe('False');
    expect(run.taskRuns.find((t) => t.pipelineTaskName === 'clone')?.succeeded).toBe('False');
    expect(statuses(sha)).toEqual(['pending', 'failure']);
  });
});
