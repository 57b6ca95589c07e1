// The request context route handlers see, GitHub-shaped errors, and Link-header pagination.

import type { IncomingHttpHeaders } from 'node:http';
import type { Actor, Credentials } from './credentials.js';
import type { GitHubState } from './state.js';
import type { RepoRecord } from './types.js';

export const DOCS_URL = 'https://docs.github.com/rest';

/** Base URLs of the fake: `api` stands for api.github.com (and github.com), `uploads` for uploads.github.com. */
export interface Urls {
  api: string;
  uploads: string;
}

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The JSON body, parsed (undefined when the request had none). Raw for uploads. */
  body: unknown;
  raw: Buffer;
  headers: IncomingHttpHeaders;
  state: GitHubState;
  urls: Urls;
  /** Which host the request came in on. */
  host: 'api' | 'uploads';
  /** Who asked (null: no Authorization header, on a route that lets anonymous requests through). */
  actor: Actor | null;
  credentials: Credentials;
}

/** The login things are created as: the actor's, or the server's user. */
export function actorLogin(ctx: RequestContext): string {
  return ctx.actor?.login ?? ctx.state.login;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw bytes instead of JSON (asset downloads). */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface FieldError {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

/** Thrown by handlers; the server turns it into GitHub's error body `{message, documentation_url, errors?, status}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, errors?: FieldError[], headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }

  toBody(): Record<string, unknown> {
    return { message: this.message, ...(this.errors ? { errors: this.errors } : {}), documentation_url: DOCS_URL, status: String(this.status) };
  }
}

export function notFound(): ApiError {
  return new ApiError(404, 'Not Found');
}

export function validationFailed(...errors: FieldError[]): ApiError {
  return new ApiError(422, 'Validation Failed', errors);
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

/** The repository named by the `owner` and `repo` path parameters, or a 404. */
export function repoOf(ctx: RequestContext): RepoRecord {
  const repo = ctx.state.findRepo(`${ctx.params['owner']}/${ctx.params['repo']}`);
  if (!repo) throw notFound();
  return repo;
}

/** The JSON body as an object (GitHub answers 400 to a body that is not a JSON object). */
export function bodyObject(ctx: RequestContext): Record<string, unknown> {
  const b = ctx.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b) || b === null) throw new ApiError(400, 'Problems parsing JSON');
  return b as Record<string, unknown>;
}

export function optString(body: Record<string, unknown>, key: string, resource: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validationFailed({ resource, code: 'invalid', field: key });
  return v;
}

export function reqString(body: Record<string, unknown>, key: string, resource: string): string {
  const v = optString(body, key, resource);
  if (v === undefined || v === '') throw validationFailed({ resource, code: 'missing_field', field: key });
  return v;
}

export function optNumber(body: Record<string, unknown>, key: string, resource: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validationFailed({ resource, code: 'invalid', field: key });
  return v;
}

export function optBool(body: Record<string, unknown>, key: string, resource: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw validationFailed({ resource, code: 'invalid', field: key });
  return v;
}

/** The number in a numeric path parameter, or a 404 (GitHub's answer to `/releases/abc`). */
export function numParam(ctx: RequestContext, name: string): number {
  const raw = ctx.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

/**
 * One page of `items` per `page`/`per_page` (default 30, at most 100), with GitHub's Link header:
 * rel="next"/"last" while there are more pages, rel="first"/"prev" after the first.
 */
export function paginate<T>(ctx: RequestContext, items: T[], wrap?: (page: T[]) => unknown): Reply {
  const perPage = Math.min(Math.max(intParam(ctx.query.get('per_page'), 30), 1), 100);
  const page = Math.max(intParam(ctx.query.get('page'), 1), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const base = ctx.host === 'uploads' ? ctx.urls.uploads : ctx.urls.api;
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${base}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  const body = wrap ? wrap(slice) : slice;
  return links.length > 0 ? ok(body, 200, { link: links.join(', ') }) : ok(body);
}

function intParam(v: string | null, dflt: number): number {
  if (v === null || !/^\d+$/.test(v)) return dflt;
  return Number(v);
}

/** Sorts by a timestamp field with GitHub's `direction` query (default `dflt`), ties by id. */
export function sortByDate<T extends { id: number }>(items: T[], key: (t: T) => string, direction: string | null, dflt: 'asc' | 'desc'): T[] {
  const sign = (direction ?? dflt) === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return sign * (ka === kb ? a.id - b.id : ka < kb ? -1 : 1);
  });
}
