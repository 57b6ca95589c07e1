// Fault injection: a test makes matching requests fail with GitHub's error shapes (rate limits too).

import { ApiError } from './http.js';

export interface Fault {
  method?: string;
  /** Exact path (no query) or a pattern tested against the path. */
  path?: string | RegExp;
  /** 403 with rateLimit is the primary rate limit; 429 with rateLimit the secondary one. Default 500, or 403 with rateLimit. */
  status?: 403 | 422 | 429 | 500 | 502 | 503;
  /** How many matching requests fail (default: every one until reset()). */
  times?: number;
  rateLimit?: boolean;
  /** Seconds in `retry-after` (429) or until `x-ratelimit-reset` (403). Default 1 / 60. */
  retryAfter?: number;
  message?: string;
}

export interface InjectedFault {
  /** Requests this fault has failed so far. */
  readonly hits: number;
  remove(): void;
}

interface ActiveFault extends Fault {
  hits: number;
}

function faultMatches(f: ActiveFault, method: string, path: string): boolean {
  if (f.times !== undefined && f.hits >= f.times) return false;
  if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
  if (f.path === undefined) return true;
  return typeof f.path === 'string' ? f.path === path : f.path.test(path);
}

function faultError(f: ActiveFault): ApiError {
  const status = f.status ?? (f.rateLimit ? 403 : 500);
  if (f.rateLimit && status === 429) {
    const msg = f.message ?? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
    return new ApiError(429, msg, undefined, { 'retry-after': String(f.retryAfter ?? 1) });
  }
  if (f.rateLimit) {
    const reset = String(Math.floor(Date.now() / 1000) + (f.retryAfter ?? 60));
    const msg = f.message ?? 'API rate limit exceeded for user ID 1.';
    return new ApiError(status, msg, undefined, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });
  }
  const text: Record<number, string> = { 403: 'Forbidden', 422: 'Validation Failed', 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return new ApiError(status, f.message ?? text[status] ?? 'Error');
}

export class Faults {
  private active: ActiveFault[] = [];

  inject(fault: Fault): InjectedFault {
    const active: ActiveFault = { ...fault, hits: 0 };
    this.active.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.active = this.active.filter((f) => f !== active);
      },
    };
  }

  /** Throws the error of the first fault that matches this request (and counts the hit). */
  check(method: string, path: string): void {
    const fault = this.active.find((f) => faultMatches(f, method, path));
    if (!fault) return;
    fault.hits += 1;
    throw faultError(fault);
  }

  clear(): void {
    this.active = [];
  }
}
