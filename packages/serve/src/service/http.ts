/**
 * The service's HTTP surface: the EventListener sinks, the runs API, step logs, health and
 * metrics. Reads are public except runs of private repositories; cancel and rerun need the
 * bearer token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import type { RunFilter, RunRow } from '../store/store.js';
import { constantTimeEqual } from '../triggers/cel-env.js';
import type { Core } from './core.js';
import { followLogFile, serveLogFile } from './logs.js';

const MAX_BODY = 25 * 1024 * 1024; // GitHub caps webhook payloads at 25 MB.

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorized(core: Core, req: IncomingMessage): boolean {
  const token = core.apiToken();
  const h = req.headers.authorization ?? '';
  return token !== undefined && h.startsWith('Bearer ') && constantTimeEqual(h.slice(7), token);
}

/** The API view of a run: Tekton-shaped (metadata, spec, status) plus its trigger and state. */
export function runView(run: RunRow, taskRuns?: unknown[]): Record<string, unknown> {
  const resource = run.resource as { apiVersion?: string; metadata?: Record<string, unknown>; spec?: unknown };
  return {
    apiVersion: resource.apiVersion ?? 'tekton.dev/v1', kind: run.resourceKind,
    metadata: { ...(resource.metadata ?? {}), name: run.name, namespace: run.namespace, creationTimestamp: run.created },
    spec: resource.spec ?? {},
    status: run.status ?? { conditions: [{ type: 'Succeeded', status: run.state === 'succeeded' ? 'True' : run.state === 'queued' || run.state === 'running' ? 'Unknown' : 'False', reason: run.reason ?? '', message: run.message ?? '' }] },
    plumbing: {
      kind: run.kind, job: run.job, state: run.state, reason: run.reason, message: run.message, created: run.created, started: run.started, finished: run.finished,
      trigger: { event: run.event, deliveryId: run.deliveryId, actor: run.actor, repository: run.repository, pullRequest: run.pullRequest, sha: run.sha, trigger: run.triggerName },
      ...(taskRuns ? { taskRuns } : {}),
    },
  };
}

function filterOf(url: URL): RunFilter | string {
  const f: RunFilter = {};
  const q = url.searchParams;
  for (const [k, key] of [['repository', 'repository'], ['job', 'job'], ['kind', 'kind'], ['state', 'state']] as const) {
    const v = q.get(k);
    if (v !== null) f[key] = v;
  }
  const pr = q.get('pullRequest') ?? q.get('pull_request');
  if (pr !== null) {
    if (!/^\d+$/.test(pr)) return `pullRequest must be a number, got "${pr}"`;
    f.pullRequest = Number(pr);
  }
  return f;
}

async function listRuns(core: Core, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const f = filterOf(url);
  if (typeof f === 'string') return json(res, 400, { message: f });
  const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const page = await core.store.listRuns({ ...f, includePrivate: authorized(core, req) }, limit, cursor);
  json(res, 200, { items: page.items.map((r) => runView(r)), ...(page.next ? { next: page.next } : {}) });
}

async function visibleRun(core: Core, req: IncomingMessage, res: ServerResponse, name: string): Promise<RunRow | undefined> {
  const run = await core.store.getRun(name);
  if (!run || (run.private && !authorized(core, req))) {
    json(res, 404, { message: `run "${name}" not found` });
    return undefined;
  }
  return run;
}

async function getRun(core: Core, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const run = await visibleRun(core, req, res, name);
  if (!run) return;
  const steps = await core.store.stepsOf(name);
  const taskRuns = (await core.store.taskRunsOf(name)).map((t) => ({ ...t, steps: steps.filter((s) => s.taskRun === t.name).map((s) => ({ name: s.name, state: s.state, exitCode: s.exitCode, started: s.started, finished: s.finished, log: `/api/v1/runs/${name}/logs/${t.pipelineTask ?? t.name}/${s.name}` })) }));
  json(res, 200, runView(run, taskRuns));
}

async function getLog(core: Core, req: IncomingMessage, res: ServerResponse, url: URL, name: string, task: string, step: string): Promise<void> {
  const run = await visibleRun(core, req, res, name);
  if (!run) return;
  const trs = await core.store.taskRunsOf(name);
  const tr = trs.find((t) => t.pipelineTask === task) ?? trs.find((t) => t.name === task);
  const s = (await core.store.stepsOf(name)).find((x) => x.taskRun === (tr?.name ?? task) && x.name === step);
  if (!s) return json(res, 404, { message: `no step "${step}" of task "${task}" in run "${name}"` });
  const file = join(core.root, s.logPath);
  if (url.searchParams.get('follow') === '1') {
    const running = async () => {
      const now = (await core.store.stepsOf(name)).find((x) => x.taskRun === s.taskRun && x.name === step);
      const r = await core.store.getRun(name);
      return now?.state === 'running' && r?.state === 'running';
    };
    // `Range: bytes=N-` with follow: stream from byte N (the dashboard's viewer already has the rest).
    const from = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1];
    return followLogFile(res, file, running, from === undefined ? 0 : Number(from));
  }
  serveLogFile(req, res, file);
}

async function action(core: Core, req: IncomingMessage, res: ServerResponse, name: string, what: string): Promise<void> {
  if (!authorized(core, req)) return json(res, 401, { message: core.apiToken() === undefined ? 'no API token is configured (serve.apiTokenSecret)' : 'a valid bearer token is required' });
  const run = await core.store.getRun(name);
  if (!run) return json(res, 404, { message: `run "${name}" not found` });
  if (what === 'cancel') {
    const ok = await core.runner.cancel(name, 'Cancelled', 'cancelled through the API');
    return json(res, ok ? 200 : 409, ok ? { name, state: 'cancelled' } : { message: `run "${name}" is already ${run.state}` });
  }
  const raw = (await readBody(req)) ?? '';
  let failedOnly = new URL(req.url ?? '/', 'http://localhost').searchParams.get('failedOnly') === '1';
  try {
    failedOnly ||= raw.trim() !== '' && (JSON.parse(raw) as { failedOnly?: unknown }).failedOnly === true;
  } catch {
    return json(res, 400, { message: 'the body is not JSON (expected {"failedOnly": true|false})' });
  }
  try {
    const again = await core.rerunRun(name, { failedOnly });
    json(res, 201, { name: again.name, state: again.state, ...(again.retryOf ? { retryOf: again.retryOf } : {}) });
  } catch (e) {
    if (e instanceof PlumbingError) return json(res, 409, { code: e.code, message: e.message });
    throw e;
  }
}

export async function route(core: Core, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  if (method === 'POST' && parts[0] === 'hooks' && parts.length === 2) {
    if (core.stopping) return json(res, 503, { message: 'stopping' });
    const raw = await readBody(req);
    if (raw === undefined) return json(res, 413, { message: 'payload over 25 MB' });
    const r = await core.hook(parts[1]!, req.headers, raw, url.toString());
    return json(res, r.status, r.body);
  }
  if (method === 'GET' && url.pathname === '/healthz') return json(res, 200, { ok: true, running: core.runner.running });
  if (method === 'GET' && url.pathname === '/metrics') {
    const text = await core.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': core.metrics.registry.contentType }).end(text);
    return;
  }
  if (parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'runs') {
    if (method === 'GET' && parts.length === 3) return listRuns(core, req, res, url);
    if (method === 'GET' && parts.length === 4) return getRun(core, req, res, parts[3]!);
    if (method === 'GET' && parts.length === 7 && parts[4] === 'logs') return getLog(core, req, res, url, parts[3]!, parts[5]!, parts[6]!);
    if (method === 'POST' && parts.length === 5 && (parts[4] === 'cancel' || parts[4] === 'rerun')) return action(core, req, res, parts[3]!, parts[4]);
  }
  if (method === 'GET' && parts[0] === 'runs' && parts.length === 2) return getRun(core, req, res, parts[1]!);
  json(res, 404, { message: `no route ${method} ${url.pathname}` });
}
