// The port: a client made from credentials and a base URL, that hands out one repository's
// operations, and answers about users, organisations and teams.

import { PlumbingError } from '@plumbing/model';
import { type ChecksPort, checksPort } from './checks.js';
import { createCaller, type GitHubOptions } from './client.js';
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

export function createGitHub(opts: GitHubOptions): GitHub {
  const c = createCaller(opts);
  return {
    baseUrl: c.baseUrl,
    repo(repository) {
      const o = splitRepository(repository);
      return { repository: `${o.owner}/${o.repo}`, ...releasesPort(c, o), ...checksPort(c, o), ...issuesPort(c, o), ...repoReadPort(c, o) };
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
