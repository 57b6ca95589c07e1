// Octokit's errors (and the auth and OAuth calls' own HTTP failures) become one GitHubError, once,
// here: what was being done, GitHub's status and message, a hint; never a token or a header.

import { PlumbingError } from '@plumbing/model';

/** A failed call to GitHub. `status` is the HTTP status when GitHub answered (undefined for a network failure). */
export class GitHubError extends PlumbingError {
  readonly status: number | undefined;
  constructor(what: string, status: number | undefined, detail: string, opts: { cause?: unknown; hint?: string } = {}) {
    super('GITHUB_API', `GitHub ${what}: ${status ?? 'no answer'} ${detail}`.replace(/\s+/g, ' ').trim(), {
      ...(opts.cause === undefined ? {} : { cause: opts.cause }),
      hint: opts.hint ?? hintFor(status),
    });
    this.name = 'GitHubError';
    this.status = status;
  }
}

function hintFor(status: number | undefined): string {
  if (status === undefined) return 'GitHub did not answer: check the network and the API URL (GITHUB_API_URL), then re-run';
  if (status === 401) return "check GITHUB_TOKEN, or the GitHub App's id, private key and installation";
  if (status === 403 || status === 429) return 'rate limited or not allowed: wait, or check the token permissions (contents, issues, statuses, checks: write)';
  if (status === 404) return 'not found, or not visible to these credentials: check the repository name and the token scopes';
  if (status === 422) return 'GitHub refused the input (see the message)';
  return 're-run: every step converges';
}

/** Removes the given secrets and anything that looks like a GitHub token or an Authorization value. */
export function redact(s: string, secrets: readonly (string | undefined)[] = []): string {
  let out = s;
  for (const sec of secrets) if (sec && sec.length >= 4) out = out.split(sec).join('[REDACTED]');
  return out
    .replace(/\b(gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,})/g, '[REDACTED]')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[REDACTED]')
    .replace(/(authorization:\s*)(token|bearer)\s+\S+/gi, '$1[REDACTED]');
}

interface FieldError {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

/** GitHub's message from an octokit RequestError (its `response.data`), with the field errors of a 422. */
function detailOf(e: unknown): string {
  const data = (e as { response?: { data?: unknown } }).response?.data;
  if (typeof data === 'object' && data !== null) {
    const d = data as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(d.errors)
      ? (d.errors as (FieldError | string)[]).map((x) => (typeof x === 'string' ? x : x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(' '))).filter(Boolean)
      : [];
    if (typeof d.message === 'string') return errors.length ? `${d.message} (${errors.join('; ')})` : d.message;
  }
  if (e instanceof Error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, other side closed) is its cause.
    const cause = e.cause instanceof Error && e.cause.message !== e.message ? ` (${e.cause.message})` : '';
    return e.message.replace(/ - https:\/\/docs\.github\.com\S*/, '') + cause;
  }
  return String(e);
}

export function statusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const s = (e as { status?: unknown }).status;
  return typeof s === 'number' && s > 0 ? s : undefined;
}

/** Turns any failure of a GitHub call into a GitHubError (a GitHubError passes through unchanged). */
export function githubError(what: string, e: unknown, secrets: readonly (string | undefined)[]): GitHubError {
  if (e instanceof GitHubError) return e;
  // Octokit reports a request that got no answer as status 500 without a response.
  const answered = typeof e === 'object' && e !== null && (!('status' in e) || (e as { response?: unknown }).response !== undefined);
  const status = answered ? statusOf(e) : undefined;
  // The cause keeps octokit's error out: its request object carries the Authorization header.
  return new GitHubError(what, status, redact(detailOf(e), secrets));
}
