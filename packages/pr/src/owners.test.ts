import { describe, expect, it } from 'vitest';
import { type OwnersProblem, parseOwners } from './owners.js';

describe('parseOwners', () => {
  it('reads approvers and reviewers, lower-cased, with filters and aliases', () => {
    const owners = 'approvers: [Alice, maintainers]\nreviewers:\n  - bob\nfilters:\n  "\\\\.go$":\n    approvers: [carol]\n';
    const aliases = 'aliases:\n  maintainers: [dan, Erin]\n';
    expect(parseOwners(owners, aliases)).toEqual({ approvers: ['alice', 'carol', 'dan', 'erin'], reviewers: ['bob'] });
  });

  it('trusts nobody when the file is missing, empty or broken, and says why', () => {
    const problems: OwnersProblem[] = [];
    expect(parseOwners(undefined)).toEqual({ approvers: [], reviewers: [] });
    expect(parseOwners('')).toEqual({ approvers: [], reviewers: [] });
    expect(parseOwners('approvers: [a\n', undefined, problems)).toEqual({ approvers: [], reviewers: [] });
    expect(parseOwners('- a\n', undefined, problems)).toEqual({ approvers: [], reviewers: [] });
    expect(problems.map((p) => p.file)).toEqual(['OWNERS', 'OWNERS']);
  });
});
