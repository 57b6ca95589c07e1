// Records the fake GitHub keeps in memory. They hold what GitHub stores; URLs and nested objects
// are added when a record is presented (present.ts), because they depend on the server's address.

export type CommitState = 'error' | 'failure' | 'pending' | 'success';
export type MakeLatest = 'true' | 'false' | 'legacy';

export interface UserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface AssetRecord {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Buffer;
  uploader: string;
  createdAt: string;
  updatedAt: string;
  downloadCount: number;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  author: string;
  assets: AssetRecord[];
}

export interface StatusRecord {
  id: number;
  sha: string;
  state: CommitState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  appSlug: string;
  externalId: string | null;
  output: CheckOutputRecord;
  /** Every annotation sent, in order (GitHub appends each request's up to 50). */
  annotations: AnnotationRecord[];
}

export interface CheckOutputRecord {
  title: string | null;
  summary: string | null;
  text: string | null;
}

export interface AnnotationRecord {
  path: string;
  startLine: number;
  endLine: number;
  startColumn: number | null;
  endColumn: number | null;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title: string | null;
  rawDetails: string | null;
}

/** A repository permission as `GET /repos/{o}/{r}/collaborators/{user}/permission` names it (role_name). */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Set when the issue is a pull request (GitHub lists PRs among issues). */
  pull?: PullFields;
}

export interface PullFields {
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  draft: boolean;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** Full ref name ("refs/tags/v1.0.0", "refs/heads/main") to commit SHA. */
  refs: Map<string, string>;
  releases: ReleaseRecord[];
  /** Release explicitly marked latest (make_latest "true"); null means "legacy" rules decide. */
  latestReleaseId: number | null;
  statuses: StatusRecord[];
  checkRuns: CheckRunRecord[];
  /** Issues and pull requests share one number sequence, as on GitHub. */
  issues: IssueRecord[];
  comments: CommentRecord[];
  labels: Map<string, LabelRecord>;
  nextNumber: number;
  /** Files by ref (a branch, tag or SHA as seeded), then path → text (the contents API). */
  files: Map<string, Map<string, string>>;
  /** Collaborators' permissions by login (lower-case); anyone else has "none". */
  collaborators: Map<string, Permission>;
}
