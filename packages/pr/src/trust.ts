// Who is trusted (Prow's TrustedUser, pkg/plugins/trigger/trigger.go, plus Pipelines-as-Code's
// OWNERS and team policies), as a pure function of facts the gatherer read through the GitHub port.

import type { Permission } from '@plumbing/github';
import type { PrPolicy } from './policy.js';

export type { Permission };

/** What GitHub says about one user, gathered before deciding. */
export interface UserFacts {
  login: string;
  orgMember: boolean;
  /** Member of the policy's second trusted organisation (false when there is none). */
  trustedOrgMember: boolean;
  permission: Permission;
  /** The policy's trusted teams this user belongs to. */
  teams: string[];
  ownersApprover: boolean;
  ownersReviewer: boolean;
}

export type TrustedVia = 'bot' | 'org-member' | 'collaborator' | 'trusted-app' | 'trusted-org-member' | 'team' | 'owners';

export interface TrustDecision {
  trusted: boolean;
  via?: TrustedVia;
  /** Why not, in words for the reply (Prow's untrustedReason). */
  reason?: string;
}

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A collaborator for trust: triage or more (GitHub reports `read` for anyone on a public repository). */
export const isCollaborator = (p: Permission) => p === 'admin' || p === 'maintain' || p === 'write' || p === 'triage';
export const canWrite = (p: Permission) => p === 'admin' || p === 'maintain' || p === 'write';

/** Facts for a user GitHub knows nothing about (no membership, no permission, not in OWNERS). */
export function strangerFacts(login: string): UserFacts {
  return { login, orgMember: false, trustedOrgMember: false, permission: 'none', teams: [], ownersApprover: false, ownersReviewer: false };
}

function untrustedReason(policy: PrPolicy): string {
  const conditions = [`a member of the ${policy.org} organisation`];
  if (policy.trustedOrg && policy.trustedOrg !== policy.org) conditions.push(`a member of ${policy.trustedOrg}`);
  if (!policy.onlyOrgMembers) conditions.push('a collaborator of the repository');
  if (policy.trustedTeams.length) conditions.push(`in the team${policy.trustedTeams.length > 1 ? 's' : ''} ${policy.trustedTeams.join(', ')}`);
  if (policy.owners) conditions.push('an approver or reviewer in OWNERS');
  return `not ${conditions.join(', nor ')}`;
}

/** TrustedUser: the bot, org members, collaborators (unless onlyOrgMembers), trusted apps, the second org, trusted teams, OWNERS. */
export function decideTrust(user: UserFacts, policy: PrPolicy): TrustDecision {
  if (sameLogin(user.login, policy.bot) || sameLogin(user.login, `${policy.bot}[bot]`)) return { trusted: true, via: 'bot' };
  if (user.orgMember) return { trusted: true, via: 'org-member' };
  if (!policy.onlyOrgMembers && isCollaborator(user.permission)) return { trusted: true, via: 'collaborator' };
  if (policy.trustedApps.some((app) => sameLogin(user.login.replace(/\[bot\]$/, ''), app))) return { trusted: true, via: 'trusted-app' };
  if (policy.trustedOrg && policy.trustedOrg !== policy.org && user.trustedOrgMember) return { trusted: true, via: 'trusted-org-member' };
  if (user.teams.some((t) => policy.trustedTeams.includes(t))) return { trusted: true, via: 'team' };
  if (policy.owners && (user.ownersApprover || user.ownersReviewer)) return { trusted: true, via: 'owners' };
  return { trusted: false, reason: `@${user.login} is ${untrustedReason(policy)}` };
}

/** An `/ok-to-test` given by a trusted user for the pull request's head at that moment. */
export interface OkToTestGrant {
  by: string;
  sha: string;
}

export interface CodeTrust {
  /** Jobs may run automatically on this head. */
  runnable: boolean;
  /** Secrets may be bound: the author is trusted, or a trusted user vouched for exactly this commit. */
  bindSecrets: boolean;
  /** Why not runnable, for the reply or the log. */
  reason?: string;
  grantedBy?: string;
}

/**
 * Whether the code at `headSha` may run, and with secrets. A trusted author's code runs with
 * secrets. Otherwise it runs only after `/ok-to-test`: for this very commit (`per-push`), or for
 * any commit of the pull request (`once`); a grant for an older commit under `once` runs the new
 * commit without secrets, since nobody trusted has looked at it.
 */
export function decideCodeTrust(author: TrustDecision, headSha: string, grants: readonly OkToTestGrant[], policy: PrPolicy): CodeTrust {
  if (author.trusted) return { runnable: true, bindSecrets: true };
  const forHead = grants.find((g) => g.sha === headSha);
  if (forHead) return { runnable: true, bindSecrets: true, grantedBy: forHead.by };
  const any = grants[grants.length - 1];
  if (policy.okToTest === 'once' && any) return { runnable: true, bindSecrets: false, grantedBy: any.by };
  const again = grants.length > 0 ? ' again for the new commit (the policy asks for it on every push)' : '';
  return { runnable: false, bindSecrets: false, reason: `${author.reason ?? 'the author is not trusted'}: waiting for a trusted user to comment /ok-to-test${again}` };
}
