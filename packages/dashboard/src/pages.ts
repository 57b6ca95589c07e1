/**
 * The dashboard's routes, mounted into plumbing serve as its `pages` hook: `/` (runs),
 * `/repositories`, `/jobs`, `/runs/<name>` (a run), `/runs/<name>/logs/<task>/<step>` (a step's
 * log), sign-in (`/login`, `/login/callback`, `POST /logout`), the actions (`POST
 * /runs/<name>/{rerun,rerun-failed,cancel}`), and `/dashboard/{app.css,app.js,events}`.
 * Runs of private repositories are visible only to signed-in users who can read the repository.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Core, latestDefaultBranchRuns, latestRunsOfUnseenPullRequests, listVisibleRuns, openPullRequests, type PageHandler } from '@plumbing/serve';
import { Access } from './access.js';
import { ACTIONS, type ActionName, actionForms, readForm, runAction } from './actions.js';
import { CLIENT_JS } from './client.js';
import { readDashboardConfig } from './dashboard-config.js';
import { type Ctx, type DashboardOptions, notFound, send, sendPage, visibleRun } from './ctx.js';
import { streamEvents } from './events.js';
import { CSS, esc, page } from './html.js';
import { type JobFacts, type JobInfo, jobsPage } from './jobs-page.js';
import { LineIndexes } from './log-index.js';
import { localRunsSync } from './local-runs.js';
import { logRoute } from './log-route.js';
import { UNSEEN_PR_WINDOW_DAYS, reposPage } from './repos-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';

const PAGE_SIZE = 50;


async function jobsRoute(ctx: Ctx, res: ServerResponse): Promise<true> {
  const { core, o } = ctx;
  const successes = new Map((await core.store.lastPeriodicSuccess()).map((s) => [s.job, s.finished]));
  const jobs: JobInfo[] = [...(o.jobs ?? [])];
  for (const name of successes.keys()) if (!jobs.some((j) => j.name === name)) jobs.push({ name, schedule: '(no longer scheduled)' });
  const facts: JobFacts[] = await Promise.all(jobs.map(async (job) => ({ job, lastSuccess: successes.get(job.name), lastRun: await core.store.lastRunOfJob(job.name) })));
  return sendPage(ctx, res, 200, jobsPage(facts, (o.now ?? (() => new Date()))()), '/jobs');
}

async function reposRoute(ctx: Ctx, res: ServerResponse): Promise<true> {
  const since = new Date((ctx.o.now ?? (() => new Date()))().getTime() - UNSEEN_PR_WINDOW_DAYS * 86_400_000).toISOString();
  const readable = new Set(await ctx.access.readablePrivate(ctx.viewer));
  const visible = (r: { private: boolean; repository: string | null }) => !r.private || readable.has(r.repository ?? '');
  const heads = (await latestDefaultBranchRuns(ctx.core.store)).filter(visible);
  // A pull request is private by its delivery, its newest run, or the config's privateRepositories.
  const configured = new Set(ctx.core.opts.settings.privateRepositories);
  const open = (await openPullRequests(ctx.core.store)).filter((p) => visible({ private: p.private || configured.has(p.repository), repository: p.repository }) && (!p.run || visible(p.run)));
  const unseen = (await latestRunsOfUnseenPullRequests(ctx.core.store, since)).filter(visible);
  return sendPage(ctx, res, 200, reposPage(heads, open, unseen), '/repositories');
}

async function runsRoute(ctx: Ctx, res: ServerResponse, url: URL, syncLocal: (core: Core) => Promise<void>): Promise<true> {
  if (ctx.o.localRuns !== false) await syncLocal(ctx.core);
  const privateRepositories = await ctx.access.readablePrivate(ctx.viewer);
  const list = (f: Parameters<Core['store']['listRuns']>[0], author: string | undefined, cursor: string | undefined) =>
    author || privateRepositories.length > 0 ? listVisibleRuns(ctx.core.store, f, { privateRepositories, ...(author ? { author } : {}) }, PAGE_SIZE, cursor) : ctx.core.store.listRuns(f, PAGE_SIZE, cursor);
  const r = await runsPage(url.searchParams, list);
  return sendPage(ctx, res, r.status, r.html, `${url.pathname}${url.search}`);
}

async function runRoute(ctx: Ctx, res: ServerResponse, name: string): Promise<true> {
  const run = await visibleRun(ctx, name);
  if (!run) return notFound(ctx, res, `run "${name}" not found`);
  let extra = ctx.viewer && (await ctx.access.canWrite(ctx.viewer, run)) ? actionForms(run, ctx.viewer) : '';
  const base = ctx.access.config.exportBaseUrl;
  if (base && !run.private && (run.kind === 'release' || run.kind === 'deploy')) extra += `<p>Public logs: <a href="${esc(base)}/runs/${encodeURIComponent(run.name)}/">${esc(base)}/runs/${esc(run.name)}/</a></p>`;
  return sendPage(ctx, res, 200, runPage(run, await ctx.core.store.taskRunsOf(run.name), await ctx.core.store.stepsOf(run.name), extra), `/runs/${encodeURIComponent(name)}`);
}

async function post(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<boolean> {
  const isAction = parts.length === 3 && parts[0] === 'runs' && (ACTIONS as readonly string[]).includes(parts[2]!);
  if (url.pathname !== '/logout' && !isAction) return false;
  const form = await readForm(req);
  if (!ctx.viewer) return sendPage(ctx, res, 401, page('Sign in', '<h1>Sign in first</h1><p>Actions need a signed-in user with write access.</p>'));
  if (!form || !ctx.access.csrfOk(req, ctx.viewer, form)) return sendPage(ctx, res, 403, page('Refused', '<h1>Refused</h1><p>The form\'s CSRF token does not match this session: reload the page and try again.</p>'));
  if (url.pathname === '/logout') {
    ctx.access.signOut(res);
    return true;
  }
  const run = await visibleRun(ctx, parts[1]!);
  if (!run) return notFound(ctx, res, `run "${parts[1]}" not found`);
  if (!(await ctx.access.canWrite(ctx.viewer, run))) return sendPage(ctx, res, 403, page('Refused', `<h1>Refused</h1><p>${esc(ctx.viewer.login)} has no write access to ${esc(run.repository ?? 'this run')}.</p>`));
  const r = await runAction(ctx.core, run, parts[2] as ActionName, ctx.viewer);
  if (r.location) {
    res.writeHead(303, { location: r.location }).end();
    return true;
  }
  return sendPage(ctx, res, r.status, page('Not done', `<h1>Not done</h1><p role="alert">${esc(r.message)}</p><p><a href="/runs/${encodeURIComponent(run.name)}">Back to the run</a></p>`));
}

async function signIn(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> {
  if (!ctx.access.signInEnabled) return notFound(ctx, res, 'sign-in is not configured (spec.serve.dashboard.oauth)');
  if (url.pathname === '/login') {
    ctx.access.login(res, url);
    return true;
  }
  const error = await ctx.access.callback(req, res, url);
  return error ? sendPage(ctx, res, 400, page('Sign-in failed', `<h1>Sign-in failed</h1><p role="alert">${esc(error)}</p><p><a href="/login">Sign in again</a></p>`)) : true;
}

/** What one dashboard instance keeps between requests. */
interface Kept {
  indexes: LineIndexes;
  syncLocal: (core: Core) => Promise<void>;
}

async function route(ctx: Ctx, req: IncomingMessage, res: ServerResponse, kept: Kept): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (req.method === 'POST') return post(ctx, req, res, url, parts);
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (url.pathname === '/dashboard/app.css') return send(res, 200, 'text/css; charset=utf-8', CSS);
  if (url.pathname === '/dashboard/app.js') return send(res, 200, 'text/javascript; charset=utf-8', CLIENT_JS);
  if (url.pathname === '/dashboard/events') {
    const readable = new Set(await ctx.access.readablePrivate(ctx.viewer));
    streamEvents(ctx.core.events, res, (r) => !r.private || readable.has(r.repository ?? ''), url.searchParams.get('run') ?? undefined);
    return true;
  }
  if (url.pathname === '/login' || url.pathname === '/login/callback') return signIn(ctx, req, res, url);
  if (url.pathname === '/jobs') return jobsRoute(ctx, res);
  if (url.pathname === '/repositories') return reposRoute(ctx, res);
  if (url.pathname === '/') return runsRoute(ctx, res, url, kept.syncLocal);
  if (parts[0] !== 'runs' || (req.headers.accept ?? '').startsWith('application/json')) return false;
  if (parts.length === 2) return runRoute(ctx, res, parts[1]!);
  if (parts.length === 5 && parts[2] === 'logs') return logRoute(ctx, req, res, url, parts, kept.indexes);
  return false;
}

/** The dashboard as serve's page handler: `startServe({ pages: dashboardPages({ jobs }) })`. */
export function dashboardPages(o: DashboardOptions = {}): PageHandler {
  let access: Access | undefined;
  const kept: Kept = { indexes: new LineIndexes(), syncLocal: localRunsSync() };
  return (core, req, res) => {
    access ??= new Access(core, readDashboardConfig(core, o.config), () => (o.now ?? (() => new Date()))().getTime());
    return route({ core, o, access, viewer: access.viewer(req) }, req, res, kept);
  };
}
