// The real `plumbing serve --backend cluster` process, killed with SIGKILL while it follows a
// PipelineRun on a real API server (kube-testenv, Tekton's CRDs, no controller: the test plays
// it), then started again on the same store: it follows the PipelineRun again and, when the test
// finishes it, reports the final commit status to the local GitHub protocol server.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '@plumbing/kube';
import { kubeTestenvFromEnv } from '@plumbing/kube-testenv';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliver, example, makeServeRepo, WEBHOOK_SECRET, waitForEvent } from './helpers.js';
import { type ServeProcess, spawnServe } from './serve-process.js';

const NS = 'tekton-ci';
const REPO = 'Codertocat/Hello-World';
const PR = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' } as const;
let kubeconfig: string;
let kube: KubeClient;
let root: string;
let secrets: string;
let gh: GitHubServer;
const statuses = new EventEmitter();
const children: ChildProcess[] = [];

async function serve(): Promise<ServeProcess> {
  const p = await spawnServe(root, secrets, ['--backend', 'cluster'], { KUBECONFIG: kubeconfig });
  children.push(p.child);
  return p;
}

beforeAll(async () => {
  kubeconfig = (await kubeTestenvFromEnv()).kubeconfigPath;
  kube = await KubeClient.connect({ kubeconfig });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-cluster-restart-');
  gh = await startGitHubServer({ repos: [REPO] });
  // The statuses the service sends, as events (the fake stores them; the test waits for one).
  const add = gh.state.addStatus.bind(gh.state);
  gh.state.addStatus = (...a: Parameters<typeof add>) => {
    const s = add(...a);
    statuses.emit('status', s);
    return s;
  };
  const made = makeServeRepo(root, {
    serve: `  serve:
    publicUrl: https://ci.example.org
    githubApiUrl: ${gh.url}
    githubTokenSecret: {secretName: github-token, secretKey: token}
    apiTokenSecret: {secretName: serve-api, secretKey: token}
`,
  });
  mkdirSync(join(made.secrets, 'github-token'), { recursive: true });
  writeFileSync(join(made.secrets, 'github-token', 'token'), gh.token);
  secrets = made.secrets;
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await gh?.close();
  await removeTempDir(root);
});

describe('plumbing serve --backend cluster killed with SIGKILL mid-run (real API server, the test plays Tekton)', () => {
  it('follows the PipelineRun again after the restart and reports its end on the commit', async () => {
    const sha = 'f'.repeat(40);
    const first = await serve();
    const p = example('pull_request', 'opened') as { pull_request: { head: { sha: string } } };
    p.pull_request.head.sha = sha;
    expect((await deliver(first.url, 'github', WEBHOOK_SECRET, 'pull_request', p, 'kill-cluster-1')).status).toBe(202);
    const name = /run (ci-\w+) started/.exec(await first.line(/run ci-\w+ started/))?.[1] ?? '';
    // started means its PipelineRun was being created: wait until the API server has it
    for (;;) {
      if (await kube.get({ ...PR, namespace: NS, name })) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await serve();
    await second.line(new RegExp(`run ${name} was being followed when the service stopped: followed again`));
    await second.line(new RegExp(`run ${name} started`));
    const success = waitForEvent<{ sha: string; state: string; targetUrl: string | null }>(statuses, 'status', (s) => s.sha === sha && s.state === 'success');
    await kube.patchStatus({ ...PR, namespace: NS, name }, { startTime: '2026-12-07T10:00:00Z', completionTime: '2026-12-07T10:00:05Z', conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0' }] });
    expect(await success).toMatchObject({ state: 'success', targetUrl: `https://ci.example.org/runs/${name}` });
    const view = (await (await fetch(`${second.url}/api/v1/runs/${name}`)).json()) as { plumbing: { state: string; reason: string } };
    expect(view.plumbing).toMatchObject({ state: 'succeeded', reason: 'Succeeded' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
