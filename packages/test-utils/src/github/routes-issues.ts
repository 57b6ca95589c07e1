// Pull requests (read), issues (create, list, update, labels) and issue comments.

import {
  actorLogin,
  bodyObject,
  noContent,
  notFound,
  numParam,
  ok,
  optString,
  paginate,
  type RequestContext,
  repoOf,
  reqString,
  sortByDate,
  validationFailed,
} from './http.js';
import { presentComment, presentIssue, presentPull } from './present.js';
import type { Route } from './router.js';
import type { IssueRecord, RepoRecord } from './types.js';

const R = '/repos/{owner}/{repo}';

function byState(items: IssueRecord[], state: string | null): IssueRecord[] {
  const want = state ?? 'open';
  if (want !== 'open' && want !== 'closed' && want !== 'all') throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state' });
  return want === 'all' ? items : items.filter((i) => i.state === want);
}

/** GitHub's default direction: desc for `created` (or no sort), asc for the other sorts. */
function sorted(ctx: RequestContext, items: IssueRecord[]): IssueRecord[] {
  const sort = ctx.query.get('sort') ?? 'created';
  const key = sort === 'updated' ? (i: IssueRecord) => i.updatedAt : (i: IssueRecord) => i.createdAt;
  return sortByDate(items, key, ctx.query.get('direction'), sort === 'created' || sort === 'updated' ? 'desc' : 'asc');
}

function listPulls(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const base = ctx.query.get('base');
  const head = ctx.query.get('head');
  let pulls = byState(
    repo.issues.filter((i) => i.pull),
    ctx.query.get('state'),
  );
  if (base !== null) pulls = pulls.filter((i) => i.pull?.baseRef === base);
  if (head !== null) pulls = pulls.filter((i) => `${repo.owner}:${i.pull?.headRef}` === head || i.pull?.headRef === head);
  return paginate(ctx, sorted(ctx, pulls).map((i) => presentPull(ctx.urls, repo, i)));
}

function issueOf(ctx: RequestContext, repo: RepoRecord, param = 'issue_number'): IssueRecord {
  const n = numParam(ctx, param);
  const issue = repo.issues.find((i) => i.number === n);
  if (!issue) throw notFound();
  return issue;
}

function getPull(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo, 'pull_number');
  if (!issue.pull) throw notFound();
  return ok(presentPull(ctx.urls, repo, issue));
}

/** Pull requests associated with a commit: merged by it, or having it as head. */
function commitPulls(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const sha = ctx.params['sha'] ?? '';
  const pulls = repo.issues.filter((i) => i.pull && (i.pull.mergeCommitSha === sha || i.pull.headSha === sha));
  return paginate(ctx, pulls.map((i) => presentPull(ctx.urls, repo, i)));
}

function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'labels' });
  return value.map((l) => {
    const name = typeof l === 'string' ? l : typeof l === 'object' && l !== null ? (l as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || name === '') throw validationFailed({ resource: 'Label', code: 'invalid', field: 'name' });
    return name;
  });
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw validationFailed({ resource: 'Issue', code: 'invalid', field });
  return value as string[];
}

function createIssue(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const body = bodyObject(ctx);
  const issue = ctx.state.addIssue(`${repo.owner}/${repo.name}`, {
    title: reqString(body, 'title', 'Issue'),
    body: optString(body, 'body', 'Issue') ?? null,
    labels: body['labels'] === undefined ? [] : labelNames(body['labels']),
    assignees: body['assignees'] === undefined ? [] : stringList(body['assignees'], 'assignees'),
    user: actorLogin(ctx),
  });
  const presented = presentIssue(ctx.urls, repo, issue);
  return ok(presented, 201, { location: String(presented['url']) });
}

/** Issues and pull requests (as GitHub lists them), filtered by state, labels (all), creator, since. */
function listIssues(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const labels = ctx.query.get('labels');
  const creator = ctx.query.get('creator');
  const since = ctx.query.get('since');
  let issues = byState(repo.issues, ctx.query.get('state'));
  if (labels) {
    const want = labels.split(',').map((l) => l.trim()).filter(Boolean);
    issues = issues.filter((i) => want.every((l) => i.labels.includes(l)));
  }
  if (creator !== null) issues = issues.filter((i) => i.user === creator);
  if (since !== null) issues = issues.filter((i) => i.updatedAt >= since);
  return paginate(ctx, sorted(ctx, issues).map((i) => presentIssue(ctx.urls, repo, i)));
}

function updateIssue(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const body = bodyObject(ctx);
  const title = optString(body, 'title', 'Issue');
  if (title !== undefined) issue.title = title;
  if ('body' in body) issue.body = optString(body, 'body', 'Issue') ?? null;
  if (body['labels'] !== undefined) issue.labels = labelNames(body['labels']);
  if (body['assignees'] !== undefined) issue.assignees = stringList(body['assignees'], 'assignees');
  for (const l of issue.labels) ctx.state.label(repo, l);
  const state = optString(body, 'state', 'Issue');
  const reason = optString(body, 'state_reason', 'Issue');
  if (state !== undefined && state !== 'open' && state !== 'closed') throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state' });
  if (reason !== undefined && !['completed', 'not_planned', 'reopened'].includes(reason)) {
    throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state_reason' });
  }
  const now = ctx.state.now();
  if (state === 'closed' && issue.state === 'open') {
    issue.state = 'closed';
    issue.closedAt = now;
    issue.stateReason = (reason as IssueRecord['stateReason']) ?? 'completed';
  } else if (state === 'open' && issue.state === 'closed') {
    issue.state = 'open';
    issue.closedAt = null;
    issue.stateReason = 'reopened';
  }
  issue.updatedAt = now;
  return ok(presentIssue(ctx.urls, repo, issue));
}

function addLabels(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const raw = Array.isArray(ctx.body) ? ctx.body : bodyObject(ctx)['labels'];
  for (const name of labelNames(raw)) {
    ctx.state.label(repo, name);
    if (!issue.labels.includes(name)) issue.labels.push(name);
  }
  issue.updatedAt = ctx.state.now();
  return ok(presentIssue(ctx.urls, repo, issue)['labels']);
}

function listComments(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const since = ctx.query.get('since');
  const comments = repo.comments.filter((c) => c.issueNumber === issue.number && (since === null || c.updatedAt >= since));
  return paginate(ctx, sortByDate(comments, (c) => c.createdAt, null, 'asc').map((c) => presentComment(ctx.urls, repo, c)));
}

function createComment(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const comment = ctx.state.addComment(`${repo.owner}/${repo.name}`, issue.number, { body: reqString(bodyObject(ctx), 'body', 'IssueComment'), user: actorLogin(ctx) });
  issue.updatedAt = comment.createdAt;
  const presented = presentComment(ctx.urls, repo, comment);
  return ok(presented, 201, { location: String(presented['url']) });
}

function commentOf(ctx: RequestContext, repo: RepoRecord) {
  const id = numParam(ctx, 'comment_id');
  const comment = repo.comments.find((c) => c.id === id);
  if (!comment) throw notFound();
  return comment;
}

function updateComment(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const comment = commentOf(ctx, repo);
  comment.body = reqString(bodyObject(ctx), 'body', 'IssueComment');
  comment.updatedAt = ctx.state.now();
  return ok(presentComment(ctx.urls, repo, comment));
}

function deleteComment(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const comment = commentOf(ctx, repo);
  repo.comments = repo.comments.filter((c) => c !== comment);
  return noContent();
}

export const issueRoutes: Route[] = [
  { method: 'GET', pattern: `${R}/pulls`, handler: listPulls },
  { method: 'GET', pattern: `${R}/pulls/{pull_number}`, handler: getPull },
  { method: 'GET', pattern: `${R}/commits/{sha}/pulls`, handler: commitPulls },
  { method: 'POST', pattern: `${R}/issues`, handler: createIssue },
  { method: 'GET', pattern: `${R}/issues`, handler: listIssues },
  { method: 'GET', pattern: `${R}/issues/comments/{comment_id}`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return ok(presentComment(ctx.urls, repo, commentOf(ctx, repo)));
  } },
  { method: 'PATCH', pattern: `${R}/issues/comments/{comment_id}`, handler: updateComment },
  { method: 'DELETE', pattern: `${R}/issues/comments/{comment_id}`, handler: deleteComment },
  { method: 'GET', pattern: `${R}/issues/{issue_number}`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return ok(presentIssue(ctx.urls, repo, issueOf(ctx, repo)));
  } },
  { method: 'PATCH', pattern: `${R}/issues/{issue_number}`, handler: updateIssue },
  { method: 'POST', pattern: `${R}/issues/{issue_number}/labels`, handler: addLabels },
  { method: 'GET', pattern: `${R}/issues/{issue_number}/comments`, handler: listComments },
  { method: 'POST', pattern: `${R}/issues/{issue_number}/comments`, handler: createComment },
];
