// GitHub App authentication (JWT → installation access token), the authenticated user, and the
// OAuth web flow (authorize redirect with a code, code → user token) that a dashboard signs in with.

import { ApiError, notFound, numParam, ok, type Reply, type RequestContext, repoOf } from './http.js';
import { presentUser } from './present.js';
import type { Route } from './router.js';

function requireJwt(ctx: RequestContext): void {
  if (ctx.actor?.kind !== 'app') throw new ApiError(401, 'A JSON web token could not be decoded');
}

function appOf(ctx: RequestContext) {
  const app = ctx.credentials.opts.app;
  if (!app) throw notFound();
  return app;
}

function presentInstallation(ctx: RequestContext, i: { id: number; account: string }, account: string) {
  const app = appOf(ctx);
  return {
    id: i.id,
    app_id: app.id,
    app_slug: app.slug,
    account: presentUser(ctx.urls, account),
    repository_selection: 'all',
    access_tokens_url: `${ctx.urls.api}/app/installations/${i.id}/access_tokens`,
    target_type: 'Organization',
    permissions: { checks: 'write', statuses: 'write', issues: 'write', pull_requests: 'write', contents: 'read', members: 'read' },
    events: ['pull_request', 'issue_comment', 'push'],
  };
}

/** `POST /app/installations/{id}/access_tokens`: a token valid one hour. */
function accessToken(ctx: RequestContext) {
  requireJwt(ctx);
  const id = numParam(ctx, 'installation_id');
  const inst = ctx.credentials.installation(id);
  if (!inst) throw notFound();
  const { token, expiresAt } = ctx.credentials.issueInstallationToken(id);
  const expires = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { permissions } = presentInstallation(ctx, inst, inst.account);
  return ok({ token, expires_at: expires, permissions, repository_selection: 'all' }, 201);
}

/** `GET /repos/{o}/{r}/installation`: the installation on the repository's owner. */
function repoInstallation(ctx: RequestContext) {
  requireJwt(ctx);
  const repo = repoOf(ctx);
  const inst = appOf(ctx).installations.find((i) => i.account === '*' || i.account.toLowerCase() === repo.owner.toLowerCase());
  if (!inst) throw notFound();
  return ok(presentInstallation(ctx, inst, repo.owner));
}

function authenticatedUser(ctx: RequestContext) {
  if (ctx.actor?.kind === 'installation' || ctx.actor?.kind === 'app') throw new ApiError(403, 'Resource not accessible by integration');
  const login = ctx.actor?.login ?? ctx.state.login;
  return ok({ ...presentUser(ctx.urls, login), name: login, email: null });
}

/**
 * The authorize page: signs in the user named by `login` (GitHub's "suggest this account"
 * parameter; default the server's user) at once, and redirects to `redirect_uri` with a code.
 */
function authorize(ctx: RequestContext): Reply {
  const { clientId } = ctx.credentials.opts.oauth;
  if (ctx.query.get('client_id') !== clientId) throw notFound();
  const redirect = ctx.query.get('redirect_uri');
  if (!redirect) throw new ApiError(400, 'redirect_uri is required by this fake (no registered callback URL)');
  const code = ctx.credentials.issueCode(ctx.query.get('login') ?? ctx.state.login, redirect);
  const to = new URL(redirect);
  to.searchParams.set('code', code);
  const state = ctx.query.get('state');
  if (state !== null) to.searchParams.set('state', state);
  return { status: 302, headers: { location: to.toString() } };
}

/** `POST /login/oauth/access_token`: JSON when asked with Accept: application/json, else form-encoded. */
function exchange(ctx: RequestContext): Reply {
  const b = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
  const field = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : (ctx.query.get(k) ?? undefined));
  const r = ctx.credentials.exchangeCode(field('client_id') ?? '', field('client_secret') ?? '', field('code') ?? '', field('redirect_uri'));
  const data: Record<string, string> =
    'token' in r ? { access_token: r.token, token_type: 'bearer', scope: '' } : { error: r.error, error_description: r.description, error_uri: 'https://docs.github.com/apps/oauth' };
  if (String(ctx.headers.accept ?? '').includes('application/json')) return ok(data);
  return { status: 200, raw: Buffer.from(new URLSearchParams(data).toString()), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
}

export const appRoutes: Route[] = [
  { method: 'GET', pattern: '/app', app: true, handler: (ctx) => {
    requireJwt(ctx);
    const app = appOf(ctx);
    return ok({ id: app.id, slug: app.slug, name: app.slug, owner: presentUser(ctx.urls, 'plumbing'), html_url: `${ctx.urls.api}/apps/${app.slug}` });
  } },
  { method: 'POST', pattern: '/app/installations/{installation_id}/access_tokens', app: true, handler: accessToken },
  { method: 'GET', pattern: '/repos/{owner}/{repo}/installation', app: true, handler: repoInstallation },
  { method: 'GET', pattern: '/user', handler: authenticatedUser },
  { method: 'GET', pattern: '/login/oauth/authorize', anonymous: true, handler: authorize },
  { method: 'POST', pattern: '/login/oauth/access_token', anonymous: true, handler: exchange },
];
