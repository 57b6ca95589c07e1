// Check runs: create, update, get, and their annotations (GitHub's Checks API). As on GitHub, only
// a GitHub App (an installation token) may write them, and one request carries at most 50 annotations.

import {
  ApiError,
  bodyObject,
  notFound,
  numParam,
  ok,
  optNumber,
  optString,
  paginate,
  type RequestContext,
  repoOf,
  reqString,
  validationFailed,
} from './http.js';
import { presentAnnotation, presentCheckRun } from './present.js';
import type { Route } from './router.js';
import type { AnnotationRecord, CheckRunRecord, RepoRecord } from './types.js';

const R = '/repos/{owner}/{repo}';
const STATUSES: readonly string[] = ['queued', 'in_progress', 'completed'];
const CONCLUSIONS: readonly string[] = ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required'];
const LEVELS: readonly string[] = ['notice', 'warning', 'failure'];
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
const TEXT_LIMIT = 65_535;

function requireApp(ctx: RequestContext): string {
  if (ctx.actor?.kind !== 'installation') throw new ApiError(403, 'You must authenticate via a GitHub App.');
  return ctx.actor.login.replace(/\[bot\]$/, '');
}

function oneOf(body: Record<string, unknown>, key: string, allowed: readonly string[]): string | undefined {
  const v = optString(body, key, 'CheckRun');
  if (v !== undefined && !allowed.includes(v)) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: key });
  return v;
}

function annotation(raw: unknown): AnnotationRecord {
  if (typeof raw !== 'object' || raw === null) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'annotations' });
  const a = raw as Record<string, unknown>;
  const startLine = optNumber(a, 'start_line', 'CheckRun');
  const endLine = optNumber(a, 'end_line', 'CheckRun');
  if (startLine === undefined || endLine === undefined) throw validationFailed({ resource: 'CheckRun', code: 'missing_field', field: 'start_line' });
  const level = reqString(a, 'annotation_level', 'CheckRun');
  if (!LEVELS.includes(level)) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'annotation_level' });
  const startColumn = optNumber(a, 'start_column', 'CheckRun') ?? null;
  const endColumn = optNumber(a, 'end_column', 'CheckRun') ?? null;
  if ((startColumn !== null || endColumn !== null) && startLine !== endLine) {
    throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'start_column', message: 'start_column and end_column may only be used when start_line equals end_line' });
  }
  return {
    path: reqString(a, 'path', 'CheckRun'),
    startLine,
    endLine,
    startColumn,
    endColumn,
    level: level as AnnotationRecord['level'],
    message: reqString(a, 'message', 'CheckRun'),
    title: optString(a, 'title', 'CheckRun') ?? null,
    rawDetails: optString(a, 'raw_details', 'CheckRun') ?? null,
  };
}

function text(out: Record<string, unknown>, key: string): string | undefined {
  const v = optString(out, key, 'CheckRun');
  if (v !== undefined && v.length > TEXT_LIMIT) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: `output.${key}`, message: `${key} is too long (maximum is ${TEXT_LIMIT} characters)` });
  return v;
}

/** Applies `output`: title and summary required, text optional, annotations appended (50 at most). */
function applyOutput(run: CheckRunRecord, raw: unknown): void {
  if (raw === undefined) return;
  if (typeof raw !== 'object' || raw === null) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'output' });
  const out = raw as Record<string, unknown>;
  const title = text(out, 'title');
  const summary = text(out, 'summary');
  if (!title || !summary) throw validationFailed({ resource: 'CheckRun', code: 'missing_field', field: title ? 'output.summary' : 'output.title' });
  const annotations = out['annotations'] === undefined ? [] : out['annotations'];
  if (!Array.isArray(annotations)) throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'output.annotations' });
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'output.annotations', message: `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request` });
  }
  const parsed = annotations.map(annotation);
  run.output = { title, summary, text: text(out, 'text') ?? run.output.text };
  run.annotations.push(...parsed);
}

/** status, conclusion, details_url, external_id, started_at, completed_at; completed needs a conclusion. */
function applyFields(ctx: RequestContext, run: CheckRunRecord, body: Record<string, unknown>): void {
  const status = oneOf(body, 'status', STATUSES);
  const conclusion = oneOf(body, 'conclusion', CONCLUSIONS);
  if (conclusion !== undefined) {
    run.conclusion = conclusion as CheckRunRecord['conclusion'];
    run.status = 'completed';
  } else if (status !== undefined) {
    if (status === 'completed' && run.conclusion === null) throw validationFailed({ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' });
    run.status = status as CheckRunRecord['status'];
  }
  if ('details_url' in body) run.detailsUrl = optString(body, 'details_url', 'CheckRun') ?? null;
  if ('external_id' in body) run.externalId = optString(body, 'external_id', 'CheckRun') ?? null;
  run.startedAt = optString(body, 'started_at', 'CheckRun') ?? run.startedAt;
  if (run.status === 'completed') run.completedAt = optString(body, 'completed_at', 'CheckRun') ?? run.completedAt ?? ctx.state.now();
}

function createCheckRun(ctx: RequestContext) {
  const slug = requireApp(ctx);
  const repo = repoOf(ctx);
  const body = bodyObject(ctx);
  const name = reqString(body, 'name', 'CheckRun');
  const ref = reqString(body, 'head_sha', 'CheckRun');
  const headSha = ctx.state.resolveCommit(repo, ref);
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  const run = ctx.state.addCheckRun(`${repo.owner}/${repo.name}`, { name, headSha, appSlug: slug });
  applyFields(ctx, run, body);
  applyOutput(run, body['output']);
  return ok(presentCheckRun(ctx.urls, repo, run), 201);
}

function runOf(ctx: RequestContext, repo: RepoRecord): CheckRunRecord {
  const id = numParam(ctx, 'check_run_id');
  const run = repo.checkRuns.find((c) => c.id === id);
  if (!run) throw notFound();
  return run;
}

function updateCheckRun(ctx: RequestContext) {
  const slug = requireApp(ctx);
  const repo = repoOf(ctx);
  const run = runOf(ctx, repo);
  if (run.appSlug !== slug) throw new ApiError(403, 'Invalid app_id `' + slug + '` - check run can only be modified by the GitHub App that created it.');
  const body = bodyObject(ctx);
  const name = optString(body, 'name', 'CheckRun');
  if (name !== undefined) run.name = name;
  applyFields(ctx, run, body);
  applyOutput(run, body['output']);
  return ok(presentCheckRun(ctx.urls, repo, run));
}

export const checkRoutes: Route[] = [
  { method: 'POST', pattern: `${R}/check-runs`, handler: createCheckRun },
  { method: 'GET', pattern: `${R}/check-runs/{check_run_id}`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return ok(presentCheckRun(ctx.urls, repo, runOf(ctx, repo)));
  } },
  { method: 'PATCH', pattern: `${R}/check-runs/{check_run_id}`, handler: updateCheckRun },
  { method: 'GET', pattern: `${R}/check-runs/{check_run_id}/annotations`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return paginate(ctx, runOf(ctx, repo).annotations.map(presentAnnotation));
  } },
];
