// plumbing serve in-process: real HTTP, the real embedded executor, GitHub's own example
// payloads signed here, and the local server that speaks GitHub's REST protocol (no real GitHub
// can run here) receiving the commit statuses.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN, commentPayload, deliver, example, makeServeRepo, processExists, WEBHOOK_SECRET, waitForEvent } from '../../test/helpers.js';
import type { RunRow } from '../store/store.js';
import { type RunningService, startServe } from './server.js';

const REPO = 'Codertocat/Hello-World';
let root: string;
let gh: GitHubServer;
let svc: RunningService;
let gates: string;
const logs: string[] = [];

function prPayload(action: string, sha: string, number = 2, title = 'Update the README'): Record<string, unknown> {
  const p = example('pull_request', 'opened') as { action: string; number: number; pull_request: { head: { sha: string }; number: number; title: string } };
  p.action = action;
  p.number = number;
  p.pull_request.number = number;
  p.pull_request.head.sha = sha;
  p.pull_request.title = title;
  return p;
}

const sha = (c: string) => c.repeat(40);
const ended = (name: string) => (r: RunRow) => r.name === name && ['succeeded', 'failed', 'cancelled'].includes(r.state);

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-');
  gh = await startGitHubServer({ repos: [REPO] });
  // The pull requests the deliveries are about (#1 to #9), by the repository's owner: trusted.
  for (let i = 1; i <= 9; i++) gh.state.addPull(REPO, { title: `PR ${i}`, user: 'Codertocat' });
  const made = makeServeRepo(root, {
    serve: `  serve:
    publicUrl: https://ci.example.org
    githubApiUrl: ${gh.url}
    githubTokenSecret: {secretName: github-token, secretKey: token}
    apiTokenSecret: {secretName: serve-api, secretKey: token}
    concurrency: {global: 4, perRepository: 4}
`,
  });
  gates = made.gates;
  mkdirSync(join(made.secrets, 'github-token'), { recursive: true });
  writeFileSync(join(made.secrets, 'github-token', 'token'), gh.token);
  logs.length = 0;
  svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: made.secrets, sandbox: false, log: (l) => { logs.push(l); if (process.env.SERVE_DEBUG) process.stderr.write(`${l}\n`); } });
});

afterEach(async () => {
  await svc?.close(0);
  await gh?.close();
  await removeTempDir(root);
});

describe('plumbing serve (local GitHub protocol server for statuses)', () => {
  it('PR opened → 202 in the EventListener shape → pending status → run → success status linking to the run', async () => {
    const queued = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'queued');
    const res = await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('a')), 'delivery-1');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ eventListener: 'github', namespace: 'tekton-ci', eventListenerUID: expect.stringMatching(/^[0-9a-f-]{36}$/), eventID: expect.any(String) });
    const run = await queued;
    const done = await waitForEvent<RunRow>(svc.core.events, 'reported', ended(run.name));
    expect(done).toMatchObject({ state: 'succeeded', kind: 'pull-request', job: 'ci', repository: REPO, pullRequest: 2, sha: sha('a'), event: 'pull_request', deliveryId: 'delivery-1', actor: 'Codertocat' });
    const statuses = gh.state.repo(REPO).statuses.map((s) => ({ state: s.state, context: s.context, targetUrl: s.targetUrl }));
    const link = `https://ci.example.org/runs/${run.name}`;
    expect(statuses[0]).toEqual({ state: 'pending', context: 'plumbing/ci', targetUrl: link });
    expect(statuses[statuses.length - 1]).toEqual({ state: 'success', context: 'plumbing/ci', targetUrl: link });
    // The API: the run, its TaskRun and step, the step's log.
    const view = (await (await fetch(`${svc.url}/api/v1/runs/${run.name}`)).json()) as { kind: string; status: { conditions: { status: string }[] }; plumbing: { trigger: unknown; taskRuns: { pipelineTask: string; steps: { name: string; log: string }[] }[] } };
    expect(view.kind).toBe('PipelineRun');
    expect(view.status.conditions[0]?.status).toBe('True');
    expect(view.plumbing.trigger).toMatchObject({ event: 'pull_request', deliveryId: 'delivery-1', repository: REPO, pullRequest: 2, sha: sha('a') });
    expect(view.plumbing.taskRuns.map((t) => [t.pipelineTask, t.steps.map((s) => s.name)])).toEqual([['test', ['say']]]);
    const log = await fetch(`${svc.url}${view.plumbing.taskRuns[0]?.steps[0]?.log}`);
    expect(await log.text()).toBe(`testing ${'a'.repeat(7)}\ndone\n`);
    const part = await fetch(`${svc.url}${view.plumbing.taskRuns[0]?.steps[0]?.log}`, { headers: { range: 'bytes=0-6' } });
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, 'bytes 0-6/21', 'testing']);
  });

  it('a redelivery (same X-GitHub-Delivery) gets the first answer and creates nothing new', async () => {
    const first = await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('b')), 'delivery-2');
    const again = await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('b')), 'delivery-2');
    expect(again).toEqual(first);
    expect(await svc.core.store.countDeliveries()).toBe(1);
    expect((await svc.core.store.runsOfDelivery('delivery-2')).length).toBe(1);
  });

  it('a bad signature gets 401 and nothing is stored or run', async () => {
    const res = await deliver(svc.url, 'github', 'not-the-secret', 'pull_request', prPayload('opened', sha('c')), 'delivery-3');
    expect(res.status).toBe(401);
    expect(await svc.core.store.countDeliveries()).toBe(0);
    expect((await svc.core.store.listRuns({ includePrivate: true }, 10)).items).toEqual([]);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toContain('plumbing_webhooks_total{event="pull_request",outcome="bad-signature"} 1');
  });

  it('a second push to the pull request cancels the first run', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('d'), 7, 'WIP [hold]'), 'delivery-4');
    const first = await running;
    const cancelled = waitForEvent<RunRow>(svc.core.events, 'run', ended(first.name));
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('synchronize', sha('e'), 7), 'delivery-5');
    expect(await cancelled).toMatchObject({ state: 'cancelled', reason: 'Superseded' });
    const second = (await svc.core.store.runsOfDelivery('delivery-5'))[0]!;
    expect((await waitForEvent<RunRow>(svc.core.events, 'run', ended(second.name))).state).toBe('succeeded');
    expect(existsSync(join(gates, sha('d')))).toBe(false);
  });

  it('200 deliveries at once (a push to each of 200 pull requests): every one answered, stored once, and its run stored with a state', async () => {
    const prs = Array.from({ length: 200 }, () => gh.state.addPull(REPO, { title: 'Bulk', user: 'Codertocat' }).number);
    const shaOf = (i: number) => (0xb000 + i).toString(16).padStart(40, '0');
    const answers = await Promise.all(prs.map((pr, i) => deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('synchronize', shaOf(i), pr, 'Bulk'), `bulk-${i}`)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(200);
    expect(new Set(answers.map((a) => a.body.eventID)).size).toBe(200);
    expect(await svc.core.store.countDeliveries()).toBe(200);
    expect(await svc.core.store.deliveriesInState('received')).toEqual([]);
    const queue = new Set((await svc.core.store.queued(1000)).map((q) => q.runName));
    const accounted = await Promise.all(
      prs.map(async (pr, i) => {
        const runs = await svc.core.store.runsOfDelivery(`bulk-${i}`);
        const r = runs[0];
        // Each delivery: exactly one run, of its pull request and commit, in a state; a queued one is in the queue.
        return runs.length === 1 && r?.pullRequest === pr && r.sha === shaOf(i) && ['queued', 'running', 'succeeded', 'failed', 'cancelled'].includes(r.state) && (r.state !== 'queued' || queue.has(r.name));
      }),
    );
    expect(accounted.filter((ok) => !ok)).toEqual([]);
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toContain('plumbing_webhooks_total{event="pull_request",outcome="accepted"} 200');
  });

  it('cancel and rerun need the bearer token', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('9'), 8, '[hold]'), 'delivery-6');
    const run = await running;
    expect((await fetch(`${svc.url}/api/v1/runs/${run.name}/cancel`, { method: 'POST' })).status).toBe(401);
    const done = waitForEvent<RunRow>(svc.core.events, 'run', ended(run.name));
    const res = await fetch(`${svc.url}/api/v1/runs/${run.name}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await done).state).toBe('cancelled');
    writeFileSync(join(gates, sha('9')), '');
    const re = await fetch(`${svc.url}/api/v1/runs/${run.name}/rerun`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(re.status).toBe(201);
    const { name } = (await re.json()) as { name: string };
    expect((await waitForEvent<RunRow>(svc.core.events, 'run', ended(name))).state).toBe('succeeded');
  });

  it('/cancel by the repository owner stops a running run: its step process is gone, the run cancelled and reported as such', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    const stepStarted = waitForEvent<{ type: string; state: string }>(svc.core.events, 'step', (e) => e.type === 'step' && e.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('c'), 3, 'WIP [hold]'), 'delivery-c1');
    const run = await running;
    await stepStarted;
    // The step holds once it says so (its pid is written just before).
    const reader = (await fetch(`${svc.url}/api/v1/runs/${run.name}/logs/test/say?follow=1`)).body!.getReader();
    for (let text = ''; !text.includes('holding until'); ) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the step of ${run.name} ended before holding: ${text}`);
      text += new TextDecoder().decode(value);
    }
    const pid = Number(readFileSync(join(gates, `${sha('c')}.pid`), 'utf8'));
    expect(processExists(pid)).toBe(true);
    const reported = waitForEvent<RunRow>(svc.core.events, 'reported', ended(run.name));
    const c = commentPayload(gh.url, REPO, 3, 'Codertocat', '/cancel', 4242);
    expect((await deliver(svc.url, 'github', WEBHOOK_SECRET, 'issue_comment', c, 'delivery-c2')).status).toBe(202);
    expect(await reported).toMatchObject({ state: 'cancelled', reason: 'Cancelled' });
    expect(processExists(pid)).toBe(false);
    const last = gh.state.repo(REPO).statuses.filter((st) => st.sha === sha('c') && st.context === 'plumbing/ci').at(-1);
    expect(last).toMatchObject({ state: 'failure', targetUrl: `https://ci.example.org/runs/${run.name}` });
    expect(last?.description).toMatch(/^Cancelled/);
    await reader.cancel();
  });

  it('streams a running step\'s log with ?follow=1 until the step ends', async () => {
    const running = waitForEvent<RunRow>(svc.core.events, 'run', (r) => r.state === 'running');
    const stepStarted = waitForEvent<{ type: string; state: string }>(svc.core.events, 'step', (e) => e.type === 'step' && e.state === 'running');
    await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload('opened', sha('7'), 9, '[hold]'), 'delivery-7');
    const run = await running;
    await stepStarted;
    const res = await fetch(`${svc.url}/api/v1/runs/${run.name}/logs/test/say?follow=1`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('holding until')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain(`testing ${'7'.repeat(7)}`);
    writeFileSync(join(gates, sha('7')), '');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text.endsWith('done\n')).toBe(true);
  });
});
