// The port: a client made from credentials and a base URL, that hands out one repository's
// operations, and answers about users, organisations and teams.

import { PlumbingError } from '@plumbing/model';
import { type ChecksPort, checksPort } from './checks.js';
import { findAppInstallation, type GitHubAppCredentials } from './auth.js';
import { type Caller, createCaller, DEFAULT_API_URL, type GitHubOptions } from './client.js';
import { type IssuesPort, issuesPort } from './issues.js';
import { type ReleasesPort, releasesPort } from './releases.js';
import { type RepoReadPort, repoReadPort } from './repo-read.js';
import type { TeamMembership, UserInfo } from './types.js';

/** Everything done on one repository. */
export interface GitHubRepo extends ReleasesPort, ChecksPort, IssuesPort, RepoReadPort {
  /** "owner/name". */
  readonly repository: string;
}

export interface GitHub {
  /** The API base URL in use. */
  readonly baseUrl: string;
  /** One repository's operations ("owner/name"). */
  repo(repository: string): GitHubRepo;
  /** `GET /orgs/{org}/members/{user}`: true for a member (public or, to a member's token, private). */
  isOrgMember(org: string, user: string): Promise<boolean>;
  /** `GET /orgs/{org}/teams/{team}/memberships/{user}`, or undefined when not a member. */
  teamMembership(org: string, teamSlug: string, user: string): Promise<TeamMembership | undefined>;
  /** `GET /user`: whom the credentials belong to (an OAuth user token: the signed-in user). */
  authenticatedUser(): Promise<UserInfo>;
}

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) throw new PlumbingError('GITHUB_BAD_REPO', `bad repository "${repository}": expected owner/name`);
  return { owner, repo };
}

/** The installation of a GitHub App on a repository (to pass as `installationId`). */
export function appInstallationFor(
  app: Omit<GitHubAppCredentials, 'installationId'>,
  repository: string,
  opts: Pick<GitHubOptions, 'baseUrl' | 'now' | 'fetch' | 'userAgent'> = {},
): Promise<number> {
  const { owner, repo } = splitRepository(repository);
  return findAppInstallation(app, `${owner}/${repo}`, {
    baseUrl: opts.baseUrl || DEFAULT_API_URL,
    now: opts.now ?? Date.now,
    fetch: opts.fetch ?? ((...a) => fetch(...a)),
    userAgent: opts.userAgent ?? 'plumbing',
  });
}

export function createGitHub(opts: GitHubOptions): GitHub {
  const c = createCaller(opts);
  return {
    baseUrl: c.baseUrl,
    repo(repository) {
      const o = splitRepository(repository);
      const full = `${o.owner}/${o.repo}`;
      // Every message says which repository: "GitHub list issues on owner/name: 503 …".
      const rc: Caller = { call: (what, fn) => c.call(`${what} on ${full}`, fn), callOr404: (what, fn) => c.callOr404(`${what} on ${full}`, fn) };
      return { repository: full, ...releasesPort(rc, o), ...checksPort(rc, o), ...issuesPort(rc, o), ...repoReadPort(rc, o) };
    },
    async isOrgMember(org, user) {
      // 204 a member, 404 not; 302 (the asker is not a member) is followed to the public list.
      const res = await c.callOr404(`membership of ${user} in ${org}`, (k) => k.rest.orgs.checkMembershipForUser({ org, username: user }));
      return res !== undefined && (res.status as number) === 204;
    },
    async teamMembership(org, teamSlug, user) {
      const res = await c.callOr404(`membership of ${user} in ${org}/${teamSlug}`, (k) => k.rest.teams.getMembershipForUserInOrg({ org, team_slug: teamSlug, username: user }));
      if (!res) return undefined;
      return { role: res.data.role as TeamMembership['role'], state: res.data.state as TeamMembership['state'] };
    },
    async authenticatedUser() {
      const res = await c.call('get the authenticated user', (k) => k.rest.users.getAuthenticated());
      return { login: res.data.login, id: res.data.id, name: res.data.name ?? null, avatarUrl: res.data.avatar_url, htmlUrl: res.data.html_url };
    },
  };
}
