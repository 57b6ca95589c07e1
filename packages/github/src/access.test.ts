import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub, type GitHub } from './github.js';

let server: GitHubServer;
let gh: GitHub;

beforeEach(async () => {
  if (!server) {
    server = await startGitHubServer({
      repos: ['tektoncd/catalog'],
      seed(s) {
        s.setCollaborator('tektoncd/catalog', 'writer', 'write');
        s.setCollaborator('tektoncd/catalog', 'triager', 'triage');
        s.access.addOrgMember('tektoncd', 'member');
        s.access.addTeamMember('tektoncd', 'catalog-maintainers', 'maint', 'maintainer');
        s.access.addTeamMember('tektoncd', 'catalog-maintainers', 'invited', 'member', 'pending');
        s.setFile('tektoncd/catalog', 'OWNERS', 'approvers:\n- alice\n');
        s.setFile('tektoncd/catalog', 'OWNERS', 'approvers:\n- mallory\n', 'pr-head');
      },
    });
  }
  server.reset();
  gh = createGitHub({ auth: { token: server.token }, baseUrl: server.url });
});
afterAll(() => server?.close());

describe('who may do what, through the port (local GitHub protocol server)', () => {
  it('reads collaborator permissions: role names, the owner is admin, anyone else none', async () => {
    const repo = gh.repo('tektoncd/catalog');
    expect(await repo.collaboratorPermission('writer')).toBe('write');
    expect(await repo.collaboratorPermission('triager')).toBe('triage');
    expect(await repo.collaboratorPermission('tektoncd')).toBe('admin');
    expect(await repo.collaboratorPermission('stranger')).toBe('none');
    expect(server.requests.at(-1)).toMatchObject({ path: '/repos/tektoncd/catalog/collaborators/stranger/permission', status: 200 });
  });

  it('answers org membership (204 or 404) and team membership with role and state', async () => {
    expect(await gh.isOrgMember('tektoncd', 'member')).toBe(true);
    expect(await gh.isOrgMember('tektoncd', 'maint')).toBe(true);
    expect(await gh.isOrgMember('tektoncd', 'stranger')).toBe(false);
    expect(await gh.isOrgMember('no-such-org', 'member')).toBe(false);
    expect(await gh.teamMembership('tektoncd', 'catalog-maintainers', 'maint')).toEqual({ role: 'maintainer', state: 'active' });
    expect(await gh.teamMembership('tektoncd', 'catalog-maintainers', 'invited')).toEqual({ role: 'member', state: 'pending' });
    expect(await gh.teamMembership('tektoncd', 'catalog-maintainers', 'member')).toBeUndefined();
    expect(await gh.teamMembership('tektoncd', 'no-team', 'maint')).toBeUndefined();
  });

  it('reads a file on the default branch or at a ref, and undefined where it is absent', async () => {
    const repo = gh.repo('tektoncd/catalog');
    expect(await repo.fileContents('OWNERS')).toBe('approvers:\n- alice\n');
    expect(await repo.fileContents('OWNERS', 'pr-head')).toBe('approvers:\n- mallory\n');
    expect(await repo.fileContents('OWNERS', 'other')).toBeUndefined();
    expect(await repo.fileContents('tasks/OWNERS')).toBeUndefined();
    expect(await repo.defaultBranch()).toBe('main');
  });

  it('gets a pull request with its head and base, and undefined for a missing number', async () => {
    server.state.addPull('tektoncd/catalog', { title: 'add task', user: 'contributor', headRef: 'feature', headSha: 'f'.repeat(40) });
    const repo = gh.repo('tektoncd/catalog');
    expect(await repo.getPull(1)).toMatchObject({ number: 1, title: 'add task', author: 'contributor', state: 'open', draft: false, headSha: 'f'.repeat(40), headRef: 'feature', headRepository: 'tektoncd/catalog', baseRef: 'main' });
    expect(await repo.getPull(2)).toBeUndefined();
  });

  it('lists every open pull request over several pages, none of the closed or merged ones', async () => {
    for (let i = 0; i < 105; i++) server.state.addPull('tektoncd/catalog', { title: `pr ${i}`, user: 'contributor', headSha: 'f'.repeat(40) });
    server.state.addPull('tektoncd/catalog', { title: 'closed', user: 'contributor', headSha: 'f'.repeat(40), state: 'closed' });
    server.state.addPull('tektoncd/catalog', { title: 'merged', user: 'contributor', headSha: 'f'.repeat(40), mergedAt: '2024-01-02T00:00:00Z' });
    const open = await gh.repo('tektoncd/catalog').openPulls();
    expect(open.map((p) => p.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
    expect(server.requests.filter((r) => r.path === '/repos/tektoncd/catalog/pulls').map((r) => r.query.state)).toEqual(['open', 'open']);
  });
});
