// `plumbing serve --backend cluster` on a real API server (kube-testenv with Tekton's CRDs, no
// controller): the service creates the PipelineRun through the kube port; the test plays Tekton's
// controller (TaskRun, statuses) as the release e2e does; GitHub is the local protocol server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectPipelineRunApi, KubeClient } from '@plumbing/kube';
import { kubeTestenvFromEnv } from '@plumbing/kube-testenv';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterBackend } from '../src/service/cluster.js';
import { type RunningService, startServe } from '../src/service/server.js';
import type { RunRow } from '../src/store/store.js';
import { API_TOKEN, commentPayload, deliver, example, makeServeRepo, WEBHOOK_SECRET, waitForEvent } from './helpers.js';

const NS = 'tekton-ci';
const REPO = 'Codertocat/Hello-World';
const PR = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' } as const;
const TR = { apiVersion: 'tekton.dev/v1', kind: 'TaskRun' } as const;
let kubeconfig: string;
let kube: KubeClient;
let root: string;
let gh: GitHubServer;
let svc: RunningService;
const logs: string[] = [];

/** Waits for the PipelineRun the service creates (the controller's informer, played by a list loop). */
async function createdRun(name: string): Promise<Record<string, unknown>> {
  for (;;) {
    const run = await kube.get({ ...PR, namespace: NS, name });
    if (run) return run as unknown as Record<string, unknown>;
    const row = await svc.core.store.getRun(name);
    if (row && ['succeeded', 'failed', 'cancelled'].includes(row.state)) throw new Error(`run ${name} ended ${row.state} (${row.reason}: ${row.message}) without a PipelineRun on the cluster; log:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function prPayload(sha: string): Record<string, unknown> {
  const p = example('pull_request', 'opened') as { action: string; pull_request: { head: { sha: string } } };
  p.action = 'opened';
  p.pull_request.head.sha = sha;
  return p;
}

const at = '2026-12-07T10:00:00Z';
const later = '2026-12-07T10:00:05Z';

/** What Tekton's controller would do for a one-task run: a TaskRun with a pod and a finished step, then the run's status. */
async function playController(run: string, outcome: 'True' | 'False'): Promise<void> {
  const taskRun = `${run}-test`;
  await kube.create({ ...TR, metadata: { name: taskRun, namespace: NS, labels: { 'tekton.dev/pipelineRun': run } }, spec: { taskRef: { name: 'test' } } } as never);
  await kube.patchStatus({ ...PR, namespace: NS, name: run }, { startTime: at, conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0' }], childReferences: [{ apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: taskRun, pipelineTaskName: 'test' }] });
  const reason = outcome === 'True' ? 'Succeeded' : 'Failed';
  await kube.patchStatus({ ...TR, namespace: NS, name: taskRun }, {
    podName: `${taskRun}-pod`,
    startTime: at,
    completionTime: later,
    conditions: [{ type: 'Succeeded', status: outcome, reason, message: '' }],
    steps: [{ name: 'say', container: 'step-say', terminated: { exitCode: outcome === 'True' ? 0 : 1, reason: outcome === 'True' ? 'Completed' : 'Error', startedAt: at, finishedAt: later } }],
  });
  await kube.patchStatus({ ...PR, namespace: NS, name: run }, { startTime: at, completionTime: later, conditions: [{ type: 'Succeeded', status: outcome, reason, message: `Tasks Completed: 1 (Failed: ${outcome === 'True' ? 0 : 1}, Cancelled 0), Skipped: 0` }] });
}

/** Tekton on a two-task pipeline: checkout succeeds with result commit, test (which takes it) fails. */
async function playCheckoutThenFailedTest(run: string): Promise<void> {
  const pipelineSpec = {
    tasks: [
      { name: 'checkout', taskRef: { name: 'git-clone' } },
      { name: 'test', taskRef: { name: 'test' }, params: [{ name: 'commit', value: '$(tasks.checkout.results.commit)' }] },
    ],
  };
  const children = ['checkout', 'test'].map((t) => ({ apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: `${run}-${t}`, pipelineTaskName: t }));
  for (const [t, ok] of [['checkout', true], ['test', false]] as const) {
    await kube.create({ ...TR, metadata: { name: `${run}-${t}`, namespace: NS, labels: { 'tekton.dev/pipelineRun': run } }, spec: { taskRef: { name: t } } } as never);
    await kube.patchStatus({ ...TR, namespace: NS, name: `${run}-${t}` }, {
      podName: `${run}-${t}-pod`, startTime: at, completionTime: later,
      conditions: [{ type: 'Succeeded', status: ok ? 'True' : 'False', reason: ok ? 'Succeeded' : 'Failed', message: '' }],
      ...(ok ? { results: [{ name: 'commit', type: 'string', value: 'abc1234' }] } : {}),
      steps: [{ name: 'run', container: 'step-run', terminated: { exitCode: ok ? 0 : 1, reason: ok ? 'Completed' : 'Error', startedAt: at, finishedAt: later } }],
    });
  }
  await kube.patchStatus({ ...PR, namespace: NS, name: run }, { startTime: at, completionTime: later, pipelineSpec, childReferences: children, conditions: [{ type: 'Succeeded', status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0' }] });
}

let secrets: string;
const start = () => startServe({ root, port: 0, host: '127.0.0.1', secretsDir: secrets, backend: clusterBackend({ api: connectPipelineRunApi({ kubeconfig }), root, pollMs: 50 }), log: (l) => logs.push(l) });

beforeAll(async () => {
  const env = await kubeTestenvFromEnv();
  kubeconfig = env.kubeconfigPath;
  kube = await KubeClient.connect({ kubeconfig });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-cluster-');
  gh = await startGitHubServer({ repos: [REPO] });
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
  svc = await start();
  logs.length = 0;
});

afterEach(async () => {
  await svc?.close(0);
  await gh?.close();
  await removeTempDir(root);
});

describe('plumbing serve --backend cluster (real API server, the test plays Tekton)', () => {
  it('creates the PipelineRun on the cluster, follows it to success, stores its TaskRun and step, reports the status', async () => {
    const queued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'queued');
    expect((await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('a'.repeat(40)), 'cluster-1')).status).toBe(202);
    const row = await queued;
    const created = (await createdRun(row.name)) as { metadata: { annotations: Record<string, string> }; spec: { pipelineRef: { name: string }; params: { name: string; value: string }[] } };
    // what the TriggerTemplate rendered, accepted by the API server's Tekton schema
    expect(created.spec.pipelineRef).toEqual({ name: 'ci' });
    expect(created.spec.params.find((p) => p.name === 'short')?.value).toBe('aaaaaaa');
    expect(created.metadata.annotations['plumbing.dev/repository']).toBe(REPO);
    const done = waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.name === row.name && r.state === 'succeeded');
    await playController(row.name, 'True');
    expect(await done).toMatchObject({ state: 'succeeded', reason: 'Succeeded' });
    const statuses = gh.state.repo(REPO).statuses.map((s) => s.state);
    expect(statuses[statuses.length - 1]).toBe('success');
    const view = (await (await fetch(`${svc.url}/api/v1/runs/${row.name}`)).json()) as { status: { childReferences: unknown[] }; plumbing: { taskRuns: { name: string; pipelineTask: string; state: string; steps: { name: string; state: string; log: string }[] }[] } };
    expect(view.status.childReferences).toHaveLength(1);
    expect(view.plumbing.taskRuns).toMatchObject([{ name: `${row.name}-test`, pipelineTask: 'test', state: 'succeeded', steps: [{ name: 'say', state: 'succeeded' }] }]);
    // no kubelet runs the pod here: the step's log says why it is empty, where it was looked for
    const log = await (await fetch(`${svc.url}${view.plumbing.taskRuns[0]?.steps[0]?.log}`)).text();
    expect(log).toContain(`(logs of pod ${row.name}-test-pod container step-say unavailable: `);
    expect(readFileSync(join(root, '.plumbing/serve/cluster', row.name, `${row.name}-test`, 'say.log'), 'utf8')).toBe(log);
  });

  it('a failed PipelineRun is a failed run with its reason', async () => {
    const queued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'queued');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('b'.repeat(40)), 'cluster-2');
    const row = await queued;
    await createdRun(row.name);
    const done = waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.name === row.name && r.state === 'failed');
    await playController(row.name, 'False');
    expect(await done).toMatchObject({ state: 'failed', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0' });
  });

  it('cancelling through the API sets spec.status: Cancelled on the cluster', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('c'.repeat(40)), 'cluster-3');
    const row = await running;
    await createdRun(row.name);
    const res = await fetch(`${svc.url}/api/v1/runs/${row.name}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    const onCluster = (await kube.get({ ...PR, namespace: NS, name: row.name })) as unknown as { spec: { status?: string } };
    expect(onCluster.spec.status).toBe('Cancelled');
    expect(await svc.core.store.getRun(row.name)).toMatchObject({ state: 'cancelled' });
  });

  it('rerun failed-only creates a PipelineRun that skips the task that succeeded, with its result put in, and follows it', async () => {
    const queued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'queued');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('e'.repeat(40)), 'cluster-5');
    const row = await queued;
    await createdRun(row.name);
    const failed = waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.name === row.name && r.state === 'failed');
    await playCheckoutThenFailedTest(row.name);
    await failed;
    const res = await fetch(`${svc.url}/api/v1/runs/${row.name}/rerun`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` }, body: JSON.stringify({ failedOnly: true }) });
    const made = (await res.json()) as { name: string; retryOf: string };
    expect([res.status, made.retryOf]).toEqual([201, row.name]);
    const retry = (await createdRun(made.name)) as { metadata: { annotations: Record<string, string> }; spec: { pipelineRef?: unknown; pipelineSpec: { tasks: { name: string; when?: unknown[]; params?: unknown[] }[] } } };
    expect(retry.metadata.annotations).toMatchObject({ 'plumbing.dev/retry-of': row.name, 'plumbing.dev/retry': 'rerun: test; reused: checkout', 'plumbing.dev/repository': REPO });
    expect(retry.spec.pipelineRef).toBeUndefined();
    const [checkout, test] = retry.spec.pipelineSpec.tasks;
    expect(checkout?.when).toEqual([{ input: 'reused by plumbing retry', operator: 'notin', values: ['reused by plumbing retry'] }]);
    expect(test?.params).toEqual([{ name: 'commit', value: 'abc1234' }]);
    const done = waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.name === made.name && r.state === 'succeeded');
    await playController(made.name, 'True');
    expect(await done).toMatchObject({ state: 'succeeded', retryOf: row.name });
    expect(gh.state.repo(REPO).statuses.at(-1)).toMatchObject({ sha: 'e'.repeat(40), state: 'success', targetUrl: `https://ci.example.org/runs/${made.name}` });
  });

  it('/retest by the repository owner on the pull request reruns only the failed task on the cluster', async () => {
    const sha = '7'.repeat(40);
    const pr = gh.state.addPull(REPO, { title: 'Flaky', user: 'Codertocat', headSha: sha }).number;
    const p = prPayload(sha) as { number: number; pull_request: { number: number } };
    p.number = pr;
    p.pull_request.number = pr;
    const queued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'queued');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', p, 'cluster-6');
    const row = await queued;
    await createdRun(row.name);
    const failed = waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.name === row.name && r.state === 'failed');
    await playCheckoutThenFailedTest(row.name);
    await failed;
    const retryQueued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.retryOf === row.name && r.state === 'queued');
    expect((await deliver(svc.url, 'github', WEBHOOK_SECRET, 'issue_comment', commentPayload(gh.url, REPO, pr, 'Codertocat', '/retest', 7001), 'cluster-7')).status).toBe(202);
    const retry = await retryQueued;
    const onCluster = (await createdRun(retry.name)) as { metadata: { annotations: Record<string, string> } };
    expect(onCluster.metadata.annotations['plumbing.dev/retry']).toBe('rerun: test; reused: checkout');
    expect(gh.state.repo(REPO).comments.filter((c) => c.issueNumber === pr && c.body.includes('plumbing-comment: commands'))).toEqual([]);
  });

  it('a service stop leaves the PipelineRun to Tekton; after the restart the service follows it again', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('d'.repeat(40)), 'cluster-4');
    const row = await running;
    await createdRun(row.name);
    await svc.close(0);
    expect(((await kube.get({ ...PR, namespace: NS, name: row.name })) as unknown as { spec: { status?: string } }).spec.status).toBeUndefined();
    svc = await start();
    const again = await svc.core.store.getRun(row.name);
    expect(again?.state === 'queued' || again?.state === 'running').toBe(true);
    const done = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.name === row.name && r.state === 'succeeded');
    await playController(row.name, 'True');
    expect(await done).toMatchObject({ state: 'succeeded' });
  });
});
