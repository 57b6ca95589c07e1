// Gatherers: read through the GitHub port what the decisions need. No decision is made here.

import { grantsFrom } from './grants.js';
import { type Owners, type OwnersProblem, parseOwners } from './owners.js';
import type { PrPolicy } from './policy.js';
import type { PrOrgPort, PrRepoPort } from './port.js';
import type { PullDetail } from '@plumbing/github';
import type { CommentFacts } from './reply.js';
import { decideTrust, type OkToTestGrant, type TrustDecision, type UserFacts } from './trust.js';

/** The root OWNERS (and OWNERS_ALIASES) of the default branch, never the pull request's. */
export async function gatherOwners(repo: PrRepoPort, policy: PrPolicy, problems: OwnersProblem[] = []): Promise<Owners> {
  if (!policy.owners) return { approvers: [], reviewers: [] };
  const [owners, aliases] = await Promise.all([repo.fileContents('OWNERS'), repo.fileContents('OWNERS_ALIASES')]);
  return parseOwners(owners, aliases, problems);
}

async function trustedTeamsOf(org: PrOrgPort, policy: PrPolicy, login: string): Promise<string[]> {
  const memberships = await Promise.all(
    policy.trustedTeams.map(async (team) => {
      const [o, slug] = team.includes('/') ? (team.split('/', 2) as [string, string]) : [policy.org, team];
      return (await org.teamMembership(o, slug, login))?.state === 'active' ? team : undefined;
    }),
  );
  return memberships.filter((t): t is string => t !== undefined);
}

/** What GitHub says about one user: memberships, permission, teams, OWNERS. */
export async function gatherUserFacts(org: PrOrgPort, repo: PrRepoPort, policy: PrPolicy, owners: Owners, login: string): Promise<UserFacts> {
  const second = policy.trustedOrg && policy.trustedOrg !== policy.org ? policy.trustedOrg : undefined;
  const [orgMember, trustedOrgMember, permission, teams] = await Promise.all([
    org.isOrgMember(policy.org, login),
    second ? org.isOrgMember(second, login) : Promise.resolve(false),
    repo.collaboratorPermission(login),
    trustedTeamsOf(org, policy, login),
  ]);
  const l = login.toLowerCase();
  return { login, orgMember, trustedOrgMember, permission, teams, ownersApprover: owners.approvers.includes(l), ownersReviewer: owners.reviewers.includes(l) };
}

const toCommentFacts = (cs: { id: number; body: string; author: string }[]): CommentFacts[] => cs.map((c) => ({ id: c.id, user: c.author, body: c.body }));

export async function gatherComments(repo: PrRepoPort, number: number): Promise<CommentFacts[]> {
  return toCommentFacts(await repo.listComments(number));
}

export interface PullRequestTrustFacts {
  authorFacts: UserFacts;
  author: TrustDecision;
  grants: OkToTestGrant[];
  comments: CommentFacts[];
}

/** The author's trust and the pull request's /ok-to-test grants. */
export async function gatherPullRequestTrust(org: PrOrgPort, repo: PrRepoPort, policy: PrPolicy, number: number, author: string, owners?: Owners): Promise<PullRequestTrustFacts> {
  const o = owners ?? (await gatherOwners(repo, policy));
  const [authorFacts, comments] = await Promise.all([gatherUserFacts(org, repo, policy, o, author), gatherComments(repo, number)]);
  return { authorFacts, author: decideTrust(authorFacts, policy), grants: grantsFrom(comments, policy.bot), comments };
}

/** The pull request, or an error that says which one is missing. */
export async function gatherPull(repo: PrRepoPort, number: number): Promise<PullDetail | undefined> {
  return repo.getPull(number);
}
