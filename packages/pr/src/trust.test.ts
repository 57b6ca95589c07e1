import { describe, expect, it } from 'vitest';
import { defaultPolicy, type PrPolicy } from './policy.js';
import { decideCodeTrust, decideTrust, strangerFacts, type TrustedVia, type UserFacts } from './trust.js';

const policy: PrPolicy = { ...defaultPolicy('tektoncd'), bot: 'plumbing-bot', trustedOrg: 'cdfoundation', trustedTeams: ['catalog-maintainers'], trustedApps: ['dependabot'] };
const user = (login: string, f: Partial<UserFacts> = {}): UserFacts => ({ ...strangerFacts(login), ...f });

describe('decideTrust (Prow TrustedUser plus OWNERS and teams)', () => {
  const cases: [string, UserFacts, Partial<PrPolicy>, boolean, TrustedVia | undefined][] = [
    ['the bot itself', user('plumbing-bot'), {}, true, 'bot'],
    ['the bot as an app login', user('plumbing-bot[bot]'), {}, true, 'bot'],
    ['an org member', user('alice', { orgMember: true }), {}, true, 'org-member'],
    ['a collaborator with write', user('bob', { permission: 'write' }), {}, true, 'collaborator'],
    ['a collaborator with triage', user('bob', { permission: 'triage' }), {}, true, 'collaborator'],
    ['read access is not collaboration (public repositories)', user('bob', { permission: 'read' }), {}, false, undefined],
    ['a collaborator when only org members count', user('bob', { permission: 'admin' }), { onlyOrgMembers: true }, false, undefined],
    ['a trusted app', user('dependabot[bot]'), {}, true, 'trusted-app'],
    ['a member of the second trusted org', user('carol', { trustedOrgMember: true }), {}, true, 'trusted-org-member'],
    ['second-org membership without a second org', user('carol', { trustedOrgMember: true }), { trustedOrg: 'tektoncd' }, false, undefined],
    ['a trusted team member', user('dan', { teams: ['catalog-maintainers'] }), {}, true, 'team'],
    ['a team that is not trusted', user('dan', { teams: ['other'] }), {}, false, undefined],
    ['an OWNERS approver', user('erin', { ownersApprover: true }), {}, true, 'owners'],
    ['an OWNERS reviewer', user('erin', { ownersReviewer: true }), {}, true, 'owners'],
    ['OWNERS when the policy ignores it', user('erin', { ownersApprover: true }), { owners: false }, false, undefined],
    ['a stranger', user('mallory'), {}, false, undefined],
  ];
  it.each(cases)('%s', (_name, facts, override, trusted, via) => {
    const d = decideTrust(facts, { ...policy, ...override });
    expect({ trusted: d.trusted, via: d.via }).toEqual({ trusted, via });
    if (!trusted) expect(d.reason).toMatch(/^@\w+ is not a member of the tektoncd organisation/);
  });

  it('says every condition the stranger fails', () => {
    expect(decideTrust(user('mallory'), policy).reason).toBe(
      '@mallory is not a member of the tektoncd organisation, nor a member of cdfoundation, nor a collaborator of the repository, nor in the team catalog-maintainers, nor an approver or reviewer in OWNERS',
    );
  });
});

describe('decideCodeTrust', () => {
  const head = 'a'.repeat(40);
  const old = 'b'.repeat(40);
  const trusted = { trusted: true, via: 'org-member' as const };
  const untrusted = { trusted: false, reason: '@mallory is not a member' };
  const cases: [string, boolean, { by: string; sha: string }[], 'per-push' | 'once', { runnable: boolean; bindSecrets: boolean }][] = [
    ['trusted author', true, [], 'per-push', { runnable: true, bindSecrets: true }],
    ['untrusted, no grant', false, [], 'per-push', { runnable: false, bindSecrets: false }],
    ['untrusted, grant for this commit', false, [{ by: 'alice', sha: head }], 'per-push', { runnable: true, bindSecrets: true }],
    ['untrusted, grant for an older commit, per-push', false, [{ by: 'alice', sha: old }], 'per-push', { runnable: false, bindSecrets: false }],
    ['untrusted, grant for an older commit, once: runs without secrets', false, [{ by: 'alice', sha: old }], 'once', { runnable: true, bindSecrets: false }],
    ['untrusted, no grant, once', false, [], 'once', { runnable: false, bindSecrets: false }],
  ];
  it.each(cases)('%s', (_name, authorTrusted, grants, okToTest, want) => {
    const d = decideCodeTrust(authorTrusted ? trusted : untrusted, head, grants, { ...policy, okToTest });
    expect({ runnable: d.runnable, bindSecrets: d.bindSecrets }).toEqual(want);
  });

  it('asks for /ok-to-test again after a push under per-push', () => {
    expect(decideCodeTrust(untrusted, head, [{ by: 'alice', sha: old }], policy).reason).toBe(
      '@mallory is not a member: waiting for a trusted user to comment /ok-to-test again for the new commit (the policy asks for it on every push)',
    );
  });
});
