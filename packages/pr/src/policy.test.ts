import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePrPolicy, rolesFor } from './policy.js';

describe('parsePrPolicy', () => {
  it('fills defaults: per-push ok-to-test, drafts skipped, Prow-like roles', () => {
    const { policy, problems } = parsePrPolicy({ org: 'tektoncd' });
    expect(problems).toEqual([]);
    expect(policy).toEqual(defaultPolicy('tektoncd'));
    expect(policy.okToTest).toBe('per-push');
    expect(rolesFor(policy, 'ok-to-test')).toEqual(['member', 'write', 'approver']);
    expect(rolesFor(policy, 'retest')).toEqual(['trusted', 'author']);
  });

  it('takes the config values', () => {
    const { policy, problems } = parsePrPolicy({
      org: 'tektoncd',
      trustedOrg: 'cdf',
      onlyOrgMembers: true,
      trustedTeams: ['t'],
      okToTest: 'once',
      drafts: 'run',
      commands: { '/retest': ['member'] },
      images: { registry: 'ghcr.io/x', tagPattern: '^v\\d+$' },
    });
    expect(problems).toEqual([]);
    expect(policy).toMatchObject({ trustedOrg: 'cdf', onlyOrgMembers: true, trustedTeams: ['t'], okToTest: 'once', drafts: 'run' });
    expect(rolesFor(policy, 'retest')).toEqual(['member']);
    expect(policy.images).toEqual({ dir: 'images', registry: 'ghcr.io/x', tagPattern: '^v\\d+$', pipeline: 'image-build' });
  });

  it("reads serve's spec.serve as it is, leaving the service's own fields alone", () => {
    const { policy, problems } = parsePrPolicy({ publicUrl: 'https://ci', org: 'tektoncd', trustedTeams: ['catalog'], statusContext: 'tekton', concurrency: { global: 4 } });
    expect(problems).toEqual([]);
    expect(policy).toMatchObject({ org: 'tektoncd', trustedTeams: ['catalog'], statusContext: 'tekton' });
  });

  it('collects problems as data, never throws', () => {
    const { problems } = parsePrPolicy({ okToTest: 'always', trustedTeams: 'a', commands: { test: ['boss'] }, images: { tagPattern: '(' } });
    expect(problems.map((p) => p.path)).toEqual(['org', 'trustedTeams', 'okToTest', 'commands.test', 'images.tagPattern']);
  });
});

describe('defaultPolicy', () => {
  it('names images in a lower-case registry path (image references are lower-case)', () => {
    expect(defaultPolicy('Codertocat').images.registry).toBe('ghcr.io/codertocat');
  });
});
