// What a CI service asks before it trusts someone: a collaborator's permission, organisation and
// team membership, and files on the default branch (OWNERS) through the contents API.

import { createHash } from 'node:crypto';
import { notFound, noContent, ok, type RequestContext, repoOf } from './http.js';
import { presentUser } from './present.js';
import type { Route } from './router.js';
import type { Permission } from './types.js';

const R = '/repos/{owner}/{repo}';

/** The legacy `permission` field folds maintain into write and triage into read. */
const LEGACY: Record<Permission, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };

function collaboratorPermission(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const user = ctx.params['username'] ?? '';
  const owner = user.toLowerCase() === repo.owner.toLowerCase();
  const role: Permission = owner ? 'admin' : (repo.collaborators.get(user.toLowerCase()) ?? 'none');
  return ok({ permission: LEGACY[role], role_name: role, user: { ...presentUser(ctx.urls, user), permissions: permissionFlags(role) } });
}

function permissionFlags(role: Permission): Record<string, boolean> {
  const rank: Permission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];
  const at = rank.indexOf(role);
  return { admin: at >= 5, maintain: at >= 4, push: at >= 3, triage: at >= 2, pull: at >= 1 };
}

/** 204 for a member, 404 for anyone else (and for an organisation that does not exist). */
function orgMember(ctx: RequestContext) {
  const org = ctx.params['org'] ?? '';
  if (!ctx.state.access.isMember(org, ctx.params['username'] ?? '')) throw notFound();
  return noContent();
}

function teamMembership(ctx: RequestContext) {
  const org = ctx.params['org'] ?? '';
  const team = ctx.params['team_slug'] ?? '';
  const user = ctx.params['username'] ?? '';
  const m = ctx.state.access.teamMembership(org, team, user);
  if (!m) throw notFound();
  return ok({ url: `${ctx.urls.api}/orgs/${org}/teams/${team}/memberships/${user}`, role: m.role, state: m.state });
}

/** A file at `?ref=` (a branch, tag or SHA as seeded; default the default branch), base64 as GitHub sends it. */
function contents(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const path = (ctx.params['path'] ?? '').replace(/^\/+/, '');
  const ref = ctx.query.get('ref') ?? repo.defaultBranch;
  const text = repo.files.get(ref)?.get(path);
  if (text === undefined) throw notFound();
  const data = Buffer.from(text, 'utf8');
  const sha = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
  const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
  const web = `${ctx.urls.api}/${repo.owner}/${repo.name}`;
  return ok({
    type: 'file',
    encoding: 'base64',
    size: data.length,
    name: path.split('/').at(-1),
    path,
    // GitHub wraps the base64 at 60 characters.
    content: `${data.toString('base64').replace(/.{60}/g, '$&\n')}\n`,
    sha,
    url: `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`,
    git_url: `${api}/git/blobs/${sha}`,
    html_url: `${web}/blob/${ref}/${path}`,
    download_url: `${ctx.urls.api}/_raw/${repo.owner}/${repo.name}/${ref}/${path}`,
  });
}

export const accessRoutes: Route[] = [
  { method: 'GET', pattern: `${R}/collaborators/{username}/permission`, handler: collaboratorPermission },
  { method: 'GET', pattern: '/orgs/{org}/members/{username}', handler: orgMember },
  { method: 'GET', pattern: '/orgs/{org}/teams/{team_slug}/memberships/{username}', handler: teamMembership },
  { method: 'GET', pattern: `${R}/contents/{path+}`, handler: contents },
];
