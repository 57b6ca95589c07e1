/**
 * The dashboard's routes, mounted into plumbing serve as its `pages` hook: `/` (runs),
 * `/runs/<name>` (a run), `/runs/<name>/logs/<task>/<step>` (a step's log), and
 * `/dashboard/{app.css,app.js,events}`. Signed out, runs of private repositories are invisible.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type Core, latestDefaultBranchRuns, latestPullRequestRuns, listRunsByAuthor, type PageHandler, type RunRow } from '@plumbing/serve';
import { CLIENT_JS } from './client.js';
import { streamEvents } from './events.js';
import { CSS, esc, page } from './html.js';
import { type JobFacts, type JobInfo, jobsPage } from './jobs-page.js';
import { linesHtml, logPage, readWindow } from './log-page.js';
import { PR_WINDOW_DAYS, reposPage } from './repos-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';

const PAGE_SIZE = 50;

function send(res: ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' }).end(body);
  return true;
}

function notFound(res: ServerResponse, what: string): true {
  return send(res, 404, 'text/html; charset=utf-8', page('Not found', `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/">All runs</a></p>`));
}

async function visibleRun(core: Core, name: string): Promise<RunRow | undefined> {
  const r = await core.store.getRun(name);
  return r && !r.private ? r : undefined;
}

async function logRoute(core: Core, res: ServerResponse, url: URL, parts: string[]): Promise<true> {
  const [, name, , task, step] = parts as [string, string, string, string, string];
  const run = await visibleRun(core, name);
  if (!run) return notFound(res, `run "${name}" not found`);
  const trs = await core.store.taskRunsOf(name);
  const tr = trs.find((t) => t.pipelineTask === task) ?? trs.find((t) => t.name === task);
  const s = (await core.store.stepsOf(name)).find((x) => x.taskRun === (tr?.name ?? task) && x.name === step);
  if (!s) return notFound(res, `no step "${step}" of task "${task}" in run "${name}"`);
  const file = join(core.root, s.logPath);
  const href = `/runs/${encodeURIComponent(name)}/logs/${encodeURIComponent(task)}/${encodeURIComponent(step)}`;
  if (url.searchParams.get('fragment') === '1') {
    const from = Number(url.searchParams.get('from') ?? 0);
    const line = Number(url.searchParams.get('line') ?? 1);
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(line) || line < 1) return send(res, 400, 'application/json', JSON.stringify({ message: 'from and line must be whole numbers' }));
    const w = readWindow(file, from);
    return send(res, 200, 'application/json', JSON.stringify({ html: linesHtml(w.lines, line), next: w.end, line: line + w.lines.length }));
  }
  return send(res, 200, 'text/html; charset=utf-8', await logPage({ run: name, task, step, file, href, raw: `/api/v1${href}` }, url.searchParams));
}

export interface DashboardOptions {
  /** The periodic jobs serve runs (the same list passed to startServe's `jobs`). */
  jobs?: readonly JobInfo[];
  now?: () => Date;
}

async function jobsRoute(core: Core, o: DashboardOptions, res: ServerResponse): Promise<true> {
  const successes = new Map((await core.store.lastPeriodicSuccess()).map((s) => [s.job, s.finished]));
  const jobs: JobInfo[] = [...(o.jobs ?? [])];
  for (const name of successes.keys()) if (!jobs.some((j) => j.name === name)) jobs.push({ name, schedule: '(no longer scheduled)' });
  const facts: JobFacts[] = await Promise.all(jobs.map(async (job) => ({ job, lastSuccess: successes.get(job.name), lastRun: await core.store.lastRunOfJob(job.name) })));
  return send(res, 200, 'text/html; charset=utf-8', jobsPage(facts, (o.now ?? (() => new Date()))()));
}

async function reposRoute(core: Core, o: DashboardOptions, res: ServerResponse): Promise<true> {
  const since = new Date((o.now ?? (() => new Date()))().getTime() - PR_WINDOW_DAYS * 86_400_000).toISOString();
  const visible = (r: RunRow) => !r.private;
  const heads = (await latestDefaultBranchRuns(core.store)).filter(visible);
  const pulls = (await latestPullRequestRuns(core.store, since)).filter(visible);
  return send(res, 200, 'text/html; charset=utf-8', reposPage(heads, pulls));
}

async function route(core: Core, o: DashboardOptions, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (url.pathname === '/dashboard/app.css') return send(res, 200, 'text/css; charset=utf-8', CSS);
  if (url.pathname === '/dashboard/app.js') return send(res, 200, 'text/javascript; charset=utf-8', CLIENT_JS);
  if (url.pathname === '/dashboard/events') {
    const only = url.searchParams.get('run') ?? undefined;
    streamEvents(core.events, res, (r) => !r.private, only);
    return true;
  }
  if (url.pathname === '/jobs') return jobsRoute(core, o, res);
  if (url.pathname === '/repositories') return reposRoute(core, o, res);
  if (url.pathname === '/') {
    const list = (f: Parameters<typeof core.store.listRuns>[0], author: string | undefined, cursor: string | undefined) =>
      author ? listRunsByAuthor(core.store, f, author, PAGE_SIZE, cursor) : core.store.listRuns(f, PAGE_SIZE, cursor);
    const r = await runsPage(core.store, url.searchParams, list);
    return send(res, r.status, 'text/html; charset=utf-8', r.html);
  }
  if (parts[0] !== 'runs' || (req.headers.accept ?? '').startsWith('application/json')) return false;
  if (parts.length === 2) {
    const run = await visibleRun(core, parts[1]!);
    if (!run) return notFound(res, `run "${parts[1]}" not found`);
    return send(res, 200, 'text/html; charset=utf-8', runPage(run, await core.store.taskRunsOf(run.name), await core.store.stepsOf(run.name)));
  }
  if (parts.length === 5 && parts[2] === 'logs') return logRoute(core, res, url, parts);
  return false;
}

/** The dashboard as serve's page handler: `startServe({ pages: dashboardPages() })`. */
export function dashboardPages(o: DashboardOptions = {}): PageHandler {
  return (core, req, res) => route(core, o, req, res);
}
