// The port's data: what callers read and write, in our names (camelCase), not GitHub's wire shapes.

export interface ReleaseInfo {
  id: number;
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  uploadUrl: string;
  htmlUrl: string;
}

export interface AssetInfo {
  id: number;
  name: string;
  size: number;
  /** "sha256:…" when GitHub reports it. */
  digest: string | undefined;
}

export interface ReleaseWrite {
  tagName: string;
  targetCommitish: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  makeLatest: 'true' | 'false';
}

export interface PullInfo {
  number: number;
  title: string;
  body: string | null;
  author: string;
  labels: string[];
  mergeCommitSha: string | null;
  mergedAt: string | null;
  url: string;
}

/** One pull request as `GET /repos/{o}/{r}/pulls/{n}` has it. */
export interface PullDetail extends PullInfo {
  state: 'open' | 'closed';
  draft: boolean;
  headSha: string;
  headRef: string;
  /** "owner/name" of the head repository (a fork's, for a PR from a fork); null when the fork is gone. */
  headRepository: string | null;
  baseRef: string;
  baseSha: string;
}

export interface CiState {
  /** Combined status of the commit statuses ("pending" also when there are none). */
  combined: 'success' | 'pending' | 'failure' | 'error';
  statuses: { context: string; state: string }[];
  checkRuns: { name: string; status: string; conclusion: string | null }[];
}

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export interface StatusWrite {
  state: CommitState;
  context: string;
  /** Cut to GitHub's 140 characters. */
  description?: string | undefined;
  targetUrl?: string | undefined;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  /** Only sent when startLine === endLine (GitHub refuses columns across lines). */
  startColumn?: number | undefined;
  endColumn?: number | undefined;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string | undefined;
  rawDetails?: string | undefined;
}

export interface CheckOutput {
  title: string;
  /** Markdown, cut to GitHub's 65,535 characters. */
  summary: string;
  text?: string | undefined;
  /** Any number: sent 50 per request, as GitHub requires (the first 50 with the write, the rest as updates). */
  annotations?: readonly CheckAnnotation[] | undefined;
}

export interface CheckRunWrite {
  status?: CheckStatus | undefined;
  /** Required by GitHub when status is completed. */
  conclusion?: CheckConclusion | undefined;
  detailsUrl?: string | undefined;
  externalId?: string | undefined;
  startedAt?: string | undefined;
  completedAt?: string | undefined;
  output?: CheckOutput | undefined;
}

export interface CheckRunCreate extends CheckRunWrite {
  name: string;
  headSha: string;
}

export interface CheckRunInfo {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  htmlUrl: string | null;
  detailsUrl: string | null;
}

export interface IssueReport {
  title: string;
  body: string;
  labels?: readonly string[] | undefined;
  /**
   * Finds the open issue by this text in its body instead of by title (a hidden
   * `<!-- … -->` works); it is appended to the body of an issue opened.
   */
  marker?: string | undefined;
}

export interface IssueReportResult {
  number: number;
  url: string;
  action: 'opened' | 'commented';
}

export interface CommentInfo {
  id: number;
  body: string;
  author: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface TeamMembership {
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

export interface UserInfo {
  login: string;
  id: number;
  name: string | null;
  avatarUrl: string;
  htmlUrl: string;
}
