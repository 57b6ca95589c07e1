import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitHubServer, makeGitRepo, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, startGitHttpServer } from '@plumbing/test-utils';
import { result, runPipeline, secretDir } from '@plumbing/test-utils';

const PIPELINE = join(import.meta.dirname, '..', 'image-build.yaml');
let root: string;
let git: GitHttpServer;
let gh: GitHubServer;
let token: string;
let sha: string;
let pr: number;

beforeAll(async () => {
  root = await makeTempDir('image-build-pipeline-test-');
  sha = (await makeGitRepo(join(root, 'repos', 'app'), [{ files: { 'svc/Dockerfile': 'FROM alpine:3.20\nCOPY . /app\n', 'svc/main.sh': 'echo hi\n' }, message: 'svc' }]))[0]!;
  git = await startGitHttpServer(join(root, 'repos'));
  gh = await startGitHubServer({
    repos: ['org/app'],
    seed: (s) => {
      pr = s.addPull('org/app', { title: 'new service' }).number;
    },
  });
  token = await secretDir(root, 'token', { token: gh.token });
});
afterEach(() => gh.reset());
afterAll(async () => {
  await git?.close();
  await gh?.close();
  await removeTempDir(root);
});

async function build(p: Record<string, string>) {
  const source = await mkdtemp(join(root, 'source-'));
  return runPipeline(PIPELINE, {
    params: { 'repo-url': `${git.url}/app`, revision: sha!, 'repo-full-name': 'org/app', 'pull-request-number': String(pr), context: 'svc', image: 'ghcr.io/org/svc:pr-1', 'github-api-url': gh.url, 'logs-url': 'https://logs.example', 'dry-run': 'true', ...p },
    workspaces: { source, 'github-token': token },
  });
}

const comments = () => gh.state.repo('org/app').comments.map((c) => c.body);

describe('image-build pipeline end to end (local git server, local GitHub API server; kaniko as a dry run)', () => {
  it('builds the context at the revision and answers on the PR with one comment and a status', async () => {
    const { run, code } = await build({});
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'IMAGE_URL')).toBe('ghcr.io/org/svc:pr-1');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]).toContain(`:whale: Built \`ghcr.io/org/svc:pr-1\` from \`svc\` at ${sha}`);
    expect(comments()[0]).toContain(`[Logs](https://logs.example/${run.name})`);
    expect(gh.state.repo('org/app').statuses.map((s) => [s.context, s.state])).toEqual([['tekton/image-build', 'success']]);
    // a second request updates the same comment
    await build({});
    expect(comments()).toHaveLength(1);
  });

  it('a build that fails (no Dockerfile at the context) answers with the failure, in the same comment', async () => {
    await build({});
    const { run } = await build({ context: 'nope' });
    expect(run.succeeded).toBe('False');
    expect(run.taskRuns.find((t) => t.pipelineTaskName === 'comment-built')).toBeUndefined();
    expect(comments()).toHaveLength(1);
    expect(comments()[0]).toContain(':x: The image build of `ghcr.io/org/svc:pr-1` from `nope`');
    expect(comments()[0]).toContain('build: Failed');
    expect(gh.state.repo('org/app').statuses.map((s) => s.state)).toEqual(['success', 'failure']);
  });

  it('a scheduled build (no pull request) builds and sets the status without commenting anywhere', async () => {
    const { run, code } = await build({ 'pull-request-number': '', image: 'ghcr.io/org/svc:nightly' });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'IMAGE_URL')).toBe('ghcr.io/org/svc:nightly');
    expect(comments()).toEqual([]);
    expect(gh.state.repo('org/app').statuses.map((s) => [s.context, s.state])).toEqual([['tekton/image-build', 'success']]);
  });
});
