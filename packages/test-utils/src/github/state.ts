// In-memory GitHub state that tests seed before a run and read after it. Route handlers change
// it through the same methods, so a seeded record and one made over HTTP look alike.

import { createHash } from 'node:crypto';
import { AccessState } from './access-state.js';
import { compareVersions } from './semver.js';
import type {
  AssetRecord,
  CheckRunRecord,
  CommitState,
  CommentRecord,
  IssueRecord,
  LabelRecord,
  MakeLatest,
  Permission,
  ReleaseRecord,
  RepoRecord,
  StatusRecord,
} from './types.js';

export interface RepoSeed {
  defaultBranch?: string;
  private?: boolean;
  /** SHA of the default branch head; a deterministic fake SHA when omitted. */
  headSha?: string;
}

export interface ReleaseSeed {
  tagName: string;
  targetCommitish?: string;
  name?: string | null;
  body?: string | null;
  draft?: boolean;
  prerelease?: boolean;
  createdAt?: string;
  publishedAt?: string | null;
  makeLatest?: MakeLatest;
  author?: string;
  assets?: { name: string; data: Buffer | string; contentType?: string; label?: string }[];
}

export interface PullSeed {
  title: string;
  body?: string | null;
  user?: string;
  labels?: string[];
  state?: 'open' | 'closed';
  baseRef?: string;
  headRef?: string;
  headSha?: string;
  mergedAt?: string | null;
  mergeCommitSha?: string | null;
  createdAt?: string;
  closedAt?: string | null;
  draft?: boolean;
}

export interface IssueSeed {
  title: string;
  body?: string | null;
  labels?: string[];
  assignees?: string[];
  state?: 'open' | 'closed';
  user?: string;
  createdAt?: string;
}

export interface StatusSeed {
  state: CommitState;
  context?: string;
  description?: string | null;
  targetUrl?: string | null;
  creator?: string;
}

export interface CheckRunSeed {
  headSha: string;
  name: string;
  status?: CheckRunRecord['status'];
  conclusion?: CheckRunRecord['conclusion'];
  detailsUrl?: string | null;
  appSlug?: string;
  externalId?: string | null;
}

/** A fake 40-hex SHA derived from a string, for seeds that need a commit without a repository. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** Default clock: 2024-01-01T00:00:00Z, one second later on every reading (ordered, repeatable). */
export function steppingClock(start = Date.UTC(2024, 0, 1)): () => Date {
  let t = start - 1000;
  return () => {
    t += 1000;
    return new Date(t);
  };
}

export class GitHubState {
  readonly repos = new Map<string, RepoRecord>();
  /** Organisation members and teams. */
  readonly access = new AccessState();
  /** Login of the authenticated user; the author of everything created over HTTP. */
  readonly login: string;
  private readonly clock: () => Date;
  private lastId = 0;

  constructor(opts: { login: string; clock: () => Date }) {
    this.login = opts.login;
    this.clock = opts.clock;
  }

  /** ISO-8601 without milliseconds, as GitHub writes timestamps. */
  now(): string {
    return this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** Drops every repository, organisation and team, and restarts ids (the clock keeps going). */
  clear(): void {
    this.repos.clear();
    this.access.clear();
    this.lastId = 0;
  }

  /** A file's text at a ref (default: the default branch), served by the contents API. */
  setFile(fullName: string, path: string, text: string, ref?: string): void {
    const repo = this.repo(fullName);
    const at = ref ?? repo.defaultBranch;
    const files = repo.files.get(at) ?? new Map<string, string>();
    files.set(path.replace(/^\/+/, ''), text);
    repo.files.set(at, files);
  }

  /** Gives a user a permission on a repository (`GET …/collaborators/{user}/permission`). */
  setCollaborator(fullName: string, login: string, permission: Permission): void {
    this.repo(fullName).collaborators.set(login.toLowerCase(), permission);
  }

  addRepo(fullName: string, seed: RepoSeed = {}): RepoRecord {
    const [owner, name] = splitName(fullName);
    const defaultBranch = seed.defaultBranch ?? 'main';
    const repo: RepoRecord = {
      id: this.nextId(),
      owner,
      name,
      defaultBranch,
      private: seed.private ?? false,
      refs: new Map([[`refs/heads/${defaultBranch}`, seed.headSha ?? fakeSha(`${fullName}:${defaultBranch}`)]]),
      releases: [],
      latestReleaseId: null,
      statuses: [],
      checkRuns: [],
      issues: [],
      comments: [],
      labels: new Map(),
      nextNumber: 1,
      files: new Map(),
      collaborators: new Map(),
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /** The repository, or undefined (names compare case-insensitively, as on GitHub). */
  findRepo(fullName: string): RepoRecord | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  repo(fullName: string): RepoRecord {
    const repo = this.findRepo(fullName);
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName} (seed it with state.addRepo)`);
    return repo;
  }

  /** Sets a ref ("refs/tags/v1", "tags/v1" or "heads/main") to a SHA. */
  setRef(fullName: string, ref: string, sha: string): void {
    this.repo(fullName).refs.set(ref.startsWith('refs/') ? ref : `refs/${ref}`, sha);
  }

  /** The SHA a branch, tag, full ref or (hex) SHA names, or undefined. */
  resolveCommit(repo: RepoRecord, ref: string): string | undefined {
    for (const full of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
      const sha = repo.refs.get(full);
      if (sha) return sha;
    }
    return /^[0-9a-f]{7,40}$/.test(ref) ? ref : undefined;
  }

  label(repo: RepoRecord, name: string): LabelRecord {
    let label = repo.labels.get(name);
    if (!label) {
      label = { id: this.nextId(), name, color: 'ededed', description: null };
      repo.labels.set(name, label);
    }
    return label;
  }

  addRelease(fullName: string, seed: ReleaseSeed): ReleaseRecord {
    const repo = this.repo(fullName);
    const draft = seed.draft ?? false;
    const createdAt = seed.createdAt ?? this.now();
    const release: ReleaseRecord = {
      id: this.nextId(),
      tagName: seed.tagName,
      targetCommitish: seed.targetCommitish ?? repo.defaultBranch,
      name: seed.name ?? null,
      body: seed.body ?? null,
      draft,
      prerelease: seed.prerelease ?? false,
      createdAt,
      publishedAt: draft ? null : (seed.publishedAt ?? createdAt),
      author: seed.author ?? this.login,
      assets: [],
    };
    for (const a of seed.assets ?? []) this.addAsset(release, a.name, Buffer.from(a.data), a.contentType, a.label);
    repo.releases.push(release);
    if (!draft) this.ensureTag(repo, release);
    this.applyMakeLatest(repo, release, seed.makeLatest, !draft);
    return release;
  }

  addAsset(release: ReleaseRecord, name: string, data: Buffer, contentType = 'application/octet-stream', label?: string | null): AssetRecord {
    const at = this.now();
    const asset: AssetRecord = {
      id: this.nextId(),
      name,
      label: label ?? null,
      contentType,
      data,
      uploader: this.login,
      createdAt: at,
      updatedAt: at,
      downloadCount: 0,
    };
    release.assets.push(asset);
    return asset;
  }

  /** Creates the release's tag from its target when the tag does not exist yet (publishing does). */
  ensureTag(repo: RepoRecord, release: ReleaseRecord): boolean {
    const ref = `refs/tags/${release.tagName}`;
    if (repo.refs.has(ref)) return true;
    const sha = this.resolveCommit(repo, release.targetCommitish);
    if (!sha) return false;
    repo.refs.set(ref, sha);
    return true;
  }

  /**
   * Applies make_latest. Drafts and prereleases are never latest; "true" pins the release; "false"
   * pins whichever release would otherwise be latest; "legacy" lets date then semver decide.
   */
  applyMakeLatest(repo: RepoRecord, release: ReleaseRecord, value: MakeLatest | undefined, newlyPublished: boolean): void {
    if (release.draft || release.prerelease) {
      if (repo.latestReleaseId === release.id) repo.latestReleaseId = null;
      return;
    }
    const choice = value ?? (newlyPublished ? 'true' : undefined);
    if (choice === 'true') repo.latestReleaseId = release.id;
    else if (choice === 'legacy') repo.latestReleaseId = null;
    else if (choice === 'false' && (repo.latestReleaseId === null || repo.latestReleaseId === release.id)) {
      repo.latestReleaseId = this.latestRelease(repo, release.id)?.id ?? null;
    }
  }

  /** GitHub's "latest": the pinned release if still eligible, else newest by date then semver. */
  latestRelease(repo: RepoRecord, excludeId?: number): ReleaseRecord | undefined {
    const eligible = repo.releases.filter((r) => !r.draft && !r.prerelease && r.id !== excludeId);
    const pinned = eligible.find((r) => r.id === repo.latestReleaseId);
    if (pinned) return pinned;
    return eligible.sort((a, b) => (a.createdAt === b.createdAt ? compareVersions(b.tagName, a.tagName) : a.createdAt < b.createdAt ? 1 : -1))[0];
  }

  /** Releases in GitHub's list order: drafts first (newest first), then the rest by creation date. */
  listReleases(repo: RepoRecord): ReleaseRecord[] {
    const byNewest = (a: ReleaseRecord, b: ReleaseRecord) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1);
    return [...repo.releases.filter((r) => r.draft).sort(byNewest), ...repo.releases.filter((r) => !r.draft).sort(byNewest)];
  }

  addStatus(fullName: string, sha: string, seed: StatusSeed): StatusRecord {
    const repo = this.repo(fullName);
    const at = this.now();
    const status: StatusRecord = {
      id: this.nextId(),
      sha,
      state: seed.state,
      context: seed.context ?? 'default',
      description: seed.description ?? null,
      targetUrl: seed.targetUrl ?? null,
      creator: seed.creator ?? this.login,
      createdAt: at,
      updatedAt: at,
    };
    repo.statuses.push(status);
    return status;
  }

  addCheckRun(fullName: string, seed: CheckRunSeed): CheckRunRecord {
    const repo = this.repo(fullName);
    const status = seed.status ?? (seed.conclusion ? 'completed' : 'queued');
    const at = this.now();
    const run: CheckRunRecord = {
      id: this.nextId(),
      headSha: seed.headSha,
      name: seed.name,
      status,
      conclusion: seed.conclusion ?? null,
      startedAt: at,
      completedAt: status === 'completed' ? at : null,
      detailsUrl: seed.detailsUrl ?? null,
      appSlug: seed.appSlug ?? 'tekton-ci',
      externalId: seed.externalId ?? null,
      output: { title: null, summary: null, text: null },
      annotations: [],
    };
    repo.checkRuns.push(run);
    return run;
  }

  addIssue(fullName: string, seed: IssueSeed): IssueRecord {
    const repo = this.repo(fullName);
    const at = seed.createdAt ?? this.now();
    const state = seed.state ?? 'open';
    const issue: IssueRecord = {
      number: repo.nextNumber++,
      id: this.nextId(),
      title: seed.title,
      body: seed.body ?? null,
      state,
      stateReason: state === 'closed' ? 'completed' : null,
      labels: [...(seed.labels ?? [])],
      assignees: [...(seed.assignees ?? [])],
      user: seed.user ?? this.login,
      createdAt: at,
      updatedAt: at,
      closedAt: state === 'closed' ? at : null,
    };
    for (const l of issue.labels) this.label(repo, l);
    repo.issues.push(issue);
    return issue;
  }

  /** A pull request: an issue with pull fields; merged when mergedAt is set (state closed then). */
  addPull(fullName: string, seed: PullSeed): IssueRecord {
    const repo = this.repo(fullName);
    const merged = seed.mergedAt != null;
    const state = seed.state ?? (merged ? 'closed' : 'open');
    const issue = this.addIssue(fullName, {
      title: seed.title,
      body: seed.body ?? null,
      labels: seed.labels ?? [],
      state,
      ...(seed.user === undefined ? {} : { user: seed.user }),
      ...(seed.createdAt === undefined ? {} : { createdAt: seed.createdAt }),
    });
    if (state === 'closed') issue.closedAt = seed.closedAt ?? seed.mergedAt ?? issue.createdAt;
    const headRef = seed.headRef ?? `pr-${issue.number}`;
    issue.pull = {
      headRef,
      headSha: seed.headSha ?? fakeSha(`${fullName}#${issue.number}:head`),
      baseRef: seed.baseRef ?? repo.defaultBranch,
      baseSha: this.resolveCommit(repo, seed.baseRef ?? repo.defaultBranch) ?? fakeSha(`${fullName}#${issue.number}:base`),
      mergedAt: seed.mergedAt ?? null,
      mergeCommitSha: seed.mergeCommitSha ?? (merged ? fakeSha(`${fullName}#${issue.number}:merge`) : null),
      draft: seed.draft ?? false,
    };
    return issue;
  }

  addComment(fullName: string, issueNumber: number, seed: { body: string; user?: string }): CommentRecord {
    const repo = this.repo(fullName);
    const at = this.now();
    const comment: CommentRecord = { id: this.nextId(), issueNumber, body: seed.body, user: seed.user ?? this.login, createdAt: at, updatedAt: at };
    repo.comments.push(comment);
    return comment;
  }
}

function splitName(fullName: string): [string, string] {
  const parts = fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`fake GitHub: repository name must be "owner/name", got ${JSON.stringify(fullName)}`);
  return [parts[0], parts[1]];
}
