/**
 * What every route gets: serve's core, the dashboard's options, who is asking (the session, if
 * any) and what they may see; and the few ways a route answers.
 */
import type { ServerResponse } from 'node:http';
import type { Core, RunRow } from '@plumbing/serve';
import type { Access } from './access.js';
import type { DashboardConfig } from './dashboard-config.js';
import { esc, page } from './html.js';
import type { JobInfo } from './jobs-page.js';
import type { Session } from './session.js';

export interface DashboardOptions {
  /** The periodic jobs serve runs (the same list passed to startServe's `jobs`). */
  jobs?: readonly JobInfo[];
  /** Settings that win over spec.serve.dashboard (tests). */
  config?: Partial<DashboardConfig>;
  /** Show the checkout's `plumbing run` records (`.plumbing/runs/`) as runs of kind local (default true). */
  localRuns?: boolean;
  now?: () => Date;
}

export interface Ctx {
  core: Core;
  o: DashboardOptions;
  access: Access;
  viewer: Session | undefined;
}

export function send(res: ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', vary: 'cookie' }).end(body);
  return true;
}

function viewerNav(ctx: Ctx, path: string): string {
  if (ctx.viewer) return `<span data-login="${esc(ctx.viewer.login)}">${esc(ctx.viewer.login)}</span><form method="post" action="/logout"><input type="hidden" name="csrf" value="${esc(ctx.viewer.csrf)}"><button type="submit">Sign out</button></form>`;
  return ctx.access.signInEnabled ? `<a href="/login?next=${encodeURIComponent(path)}">Sign in with GitHub</a>` : '';
}

/** An HTML page with the viewer's part of the header filled in. */
export function sendPage(ctx: Ctx, res: ServerResponse, status: number, html: string, path = '/'): true {
  return send(res, status, 'text/html; charset=utf-8', html.replace('<!--viewer-->', viewerNav(ctx, path)));
}

export function notFound(ctx: Ctx, res: ServerResponse, what: string): true {
  return sendPage(ctx, res, 404, page('Not found', `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/">All runs</a></p>`));
}

/** The run if this viewer may read it. */
export async function visibleRun(ctx: Ctx, name: string): Promise<RunRow | undefined> {
  const r = await ctx.core.store.getRun(name);
  return r && (await ctx.access.canRead(ctx.viewer, r)) ? r : undefined;
}

