// What is read about a repository to decide things: pull requests (release notes, the trust
// check), a user's permission, and files at a ref (OWNERS).

import type { Caller } from './client.js';
import type { Permission, PullDetail, PullInfo } from './types.js';

export interface RepoReadPort {
  /** Every closed pull request, all pages, no cap (release notes pick the merged ones). */
  closedPulls(): Promise<PullInfo[]>;
  /** Every open pull request, all pages (serve reconciles its stored open ones with them). */
  openPulls(): Promise<PullInfo[]>;
  /** One pull request, or undefined when there is none with that number. */
  getPull(number: number): Promise<PullDetail | undefined>;
  /** The repository's default branch. */
  defaultBranch(): Promise<string>;
  /** `GET /repos/{o}/{r}/collaborators/{user}/permission`: "none" for a user who is not a collaborator. */
  collaboratorPermission(user: string): Promise<Permission>;
  /** A file's text at a ref (default: the default branch), or undefined when it does not exist there. */
  fileContents(path: string, ref?: string): Promise<string | undefined>;
}

type Repo = { owner: string; repo: string };

interface WirePull {
  number: number;
  title: string;
  body: string | null;
  user: { login: string } | null;
  labels: { name?: string }[];
  merge_commit_sha?: string | null;
  merged_at: string | null;
  html_url: string;
}

function toPull(p: WirePull): PullInfo {
  return {
    number: p.number,
    title: p.title,
    body: p.body,
    author: p.user?.login ?? 'ghost',
    labels: p.labels.map((l) => l.name ?? '').filter(Boolean),
    mergeCommitSha: p.merge_commit_sha ?? null,
    mergedAt: p.merged_at,
    url: p.html_url,
  };
}

const PERMISSIONS: readonly Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

export function repoReadPort(c: Caller, o: Repo): RepoReadPort {
  return {
    async closedPulls() {
      const all = await c.call('list pull requests', (k) => k.paginate(k.rest.pulls.list, { ...o, state: 'closed', per_page: 100 }));
      return all.map(toPull);
    },
    async openPulls() {
      const all = await c.call('list open pull requests', (k) => k.paginate(k.rest.pulls.list, { ...o, state: 'open', per_page: 100 }));
      return all.map(toPull);
    },
    async getPull(number) {
      const res = await c.callOr404(`get pull request #${number}`, (k) => k.rest.pulls.get({ ...o, pull_number: number }));
      if (!res) return undefined;
      const p = res.data;
      return {
        ...toPull(p),
        state: p.state as 'open' | 'closed',
        draft: p.draft ?? false,
        headSha: p.head.sha,
        headRef: p.head.ref,
        headRepository: p.head.repo?.full_name ?? null,
        baseRef: p.base.ref,
        baseSha: p.base.sha,
      };
    },
    async defaultBranch() {
      const res = await c.call('get the repository', (k) => k.rest.repos.get(o));
      return res.data.default_branch;
    },
    async collaboratorPermission(user) {
      // GitHub answers 404 for a user that does not exist; 200 with "none" for one without access.
      const res = await c.callOr404(`permission of ${user}`, (k) => k.rest.repos.getCollaboratorPermissionLevel({ ...o, username: user }));
      if (!res) return 'none';
      // role_name has "maintain" and "triage"; permission folds them into write and read.
      const p = (res.data.role_name ?? res.data.permission) as Permission;
      return PERMISSIONS.includes(p) ? p : (res.data.permission as Permission);
    },
    async fileContents(path, ref) {
      const res = await c.callOr404(`contents of ${path}${ref ? ` at ${ref}` : ''}`, (k) => k.rest.repos.getContent({ ...o, path, ...(ref ? { ref } : {}) }));
      if (!res) return undefined;
      const d = res.data;
      if (Array.isArray(d) || d.type !== 'file' || !('content' in d)) return undefined;
      return Buffer.from(d.content, (d.encoding as BufferEncoding) || 'base64').toString('utf8');
    },
  };
}
