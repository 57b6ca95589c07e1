// The parts of the GitHub port (@plumbing/github) this package uses, as interfaces: the port's
// `GitHub` and `GitHub.repo(…)` satisfy them, and they keep this package's tests honest about
// which calls each gatherer and applier makes.

import type { CheckRunPayload } from './reports/check-run.js';
import type { Permission } from './trust.js';

export interface PullFacts {
  number: number;
  author: string;
  state: 'open' | 'closed';
  draft: boolean;
  headSha: string;
  baseRef: string;
}

export interface CommentInfoLike {
  id: number;
  body: string;
  author: string;
}

export interface StatusWriteLike {
  state: 'pending' | 'success' | 'failure' | 'error';
  context: string;
  description?: string | undefined;
  targetUrl?: string | undefined;
}

/** One repository, as `GitHub.repo("owner/name")` gives it. */
export interface PrRepoPort {
  getPull(number: number): Promise<PullFacts | undefined>;
  collaboratorPermission(user: string): Promise<Permission>;
  /** A file's text at a ref (default: the default branch), or undefined when it does not exist. */
  fileContents(path: string, ref?: string): Promise<string | undefined>;
  listComments(issue: number): Promise<CommentInfoLike[]>;
  comment(issue: number, body: string): Promise<unknown>;
  updateComment(commentId: number, body: string): Promise<unknown>;
  createStatus(sha: string, s: StatusWriteLike): Promise<void>;
  /** A directory's entries at a ref (`GET /repos/{o}/{r}/contents/{path}`); without it, image directories are probed one by one. */
  listDirectory?(path: string, ref?: string): Promise<{ name: string; type: string }[] | undefined>;
}

/** Organisations and teams, as `GitHub` answers them. */
export interface PrOrgPort {
  isOrgMember(org: string, user: string): Promise<boolean>;
  teamMembership(org: string, teamSlug: string, user: string): Promise<{ state: 'active' | 'pending' } | undefined>;
}

/** Check runs (GitHub App mode), as `GitHub.repo(…)` has them; the port sends annotations 50 per request. */
export interface PrChecksPort {
  createCheckRun(r: CheckRunPayload): Promise<{ id: number }>;
  updateCheckRun(id: number, r: Omit<CheckRunPayload, 'name' | 'headSha'>): Promise<{ id: number }>;
}
