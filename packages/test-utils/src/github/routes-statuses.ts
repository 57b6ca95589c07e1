// Commit statuses (set and list), the combined status, and the check runs of a ref (written in routes-checks.ts).

import { ApiError, actorLogin, bodyObject, ok, optString, paginate, type RequestContext, repoOf, validationFailed } from './http.js';
import { presentCheckRun, presentRepo, presentStatus } from './present.js';
import type { Route } from './router.js';
import type { CommitState, RepoRecord, StatusRecord } from './types.js';

const R = '/repos/{owner}/{repo}';
const STATES: readonly string[] = ['error', 'failure', 'pending', 'success'];

function shaOf(ctx: RequestContext, repo: RepoRecord): string {
  const ref = ctx.params['ref'] ?? '';
  const sha = ctx.state.resolveCommit(repo, ref);
  if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

const newestFirst = (statuses: StatusRecord[]) => [...statuses].sort((a, b) => b.id - a.id);

/**
 * GitHub's combined state over the latest status of each context: failure if any is error or
 * failure, else pending if any is pending or there are none, else success.
 */
export function combinedState(latest: readonly { state: CommitState }[]): CommitState {
  if (latest.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (latest.length === 0 || latest.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

function createStatus(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const sha = ctx.params['sha'] ?? '';
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new ApiError(422, `No commit found for SHA: ${sha}`);
  const body = bodyObject(ctx);
  const state = body['state'];
  if (typeof state !== 'string' || !STATES.includes(state)) {
    throw validationFailed({ resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' });
  }
  const status = ctx.state.addStatus(`${repo.owner}/${repo.name}`, sha, {
    state: state as CommitState,
    context: optString(body, 'context', 'Status') ?? 'default',
    description: optString(body, 'description', 'Status') ?? null,
    targetUrl: optString(body, 'target_url', 'Status') ?? null,
    creator: actorLogin(ctx),
  });
  return ok(presentStatus(ctx.urls, repo, status), 201);
}

function listStatuses(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const sha = shaOf(ctx, repo);
  return paginate(ctx, newestFirst(repo.statuses.filter((s) => s.sha === sha)).map((s) => presentStatus(ctx.urls, repo, s)));
}

function combinedStatus(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const sha = shaOf(ctx, repo);
  const seen = new Set<string>();
  const latest = newestFirst(repo.statuses.filter((s) => s.sha === sha)).filter((s) => !seen.has(s.context) && seen.add(s.context));
  const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
  return ok({
    state: combinedState(latest),
    statuses: latest.map((s) => presentStatus(ctx.urls, repo, s)),
    sha,
    total_count: latest.length,
    repository: presentRepo(ctx.urls, repo),
    commit_url: `${api}/commits/${sha}`,
    url: `${api}/commits/${sha}/status`,
  });
}

/** Check runs for a ref; `filter=latest` (default) keeps the newest run of each name. */
function listCheckRuns(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const sha = shaOf(ctx, repo);
  const name = ctx.query.get('check_name');
  const status = ctx.query.get('status');
  let runs = [...repo.checkRuns].filter((c) => c.headSha === sha).sort((a, b) => b.id - a.id);
  if (ctx.query.get('filter') !== 'all') {
    const seen = new Set<string>();
    runs = runs.filter((c) => !seen.has(c.name) && seen.add(c.name));
  }
  runs = runs.filter((c) => (name === null || c.name === name) && (status === null || c.status === status));
  const total = runs.length;
  return paginate(ctx, runs, (page) => ({ total_count: total, check_runs: page.map((c) => presentCheckRun(ctx.urls, repo, c)) }));
}

export const statusRoutes: Route[] = [
  { method: 'POST', pattern: `${R}/statuses/{sha}`, handler: createStatus },
  { method: 'GET', pattern: `${R}/commits/{ref}/statuses`, handler: listStatuses },
  { method: 'GET', pattern: `${R}/commits/{ref}/status`, handler: combinedStatus },
  { method: 'GET', pattern: `${R}/commits/{ref}/check-runs`, handler: listCheckRuns },
];
