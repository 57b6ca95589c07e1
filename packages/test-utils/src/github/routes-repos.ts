// Repositories, git refs and tags.

import { ApiError, bodyObject, noContent, notFound, ok, optBool, paginate, type RequestContext, repoOf, reqString } from './http.js';
import { presentRef, presentRepo, presentTag } from './present.js';
import type { Route } from './router.js';
import { compareVersions } from './semver.js';

const R = '/repos/{owner}/{repo}';

/** `tags/v1` → `refs/tags/v1` (the API's ref paths omit the `refs/` prefix). */
const fullRef = (ctx: RequestContext) => `refs/${ctx.params['ref'] ?? ''}`;

function getRef(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const ref = fullRef(ctx);
  const sha = repo.refs.get(ref);
  if (!sha) throw notFound();
  return ok(presentRef(ctx.urls, repo, ref, sha));
}

function matchingRefs(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const prefix = fullRef(ctx);
  const refs = [...repo.refs].filter(([ref]) => ref.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return ok(refs.map(([ref, sha]) => presentRef(ctx.urls, repo, ref, sha)));
}

function createRef(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const body = bodyObject(ctx);
  const ref = reqString(body, 'ref', 'Reference');
  const sha = reqString(body, 'sha', 'Reference');
  // Messages as GitHub words them (octokit/octokit.rb#675).
  if (ref.split('/').length < 3) throw new ApiError(422, 'Reference name must contain at least three slash-separated components.');
  if (!ref.startsWith('refs/')) throw new ApiError(422, `${ref} is not a valid ref name.`);
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new ApiError(422, 'Object does not exist');
  if (repo.refs.has(ref)) throw new ApiError(422, 'Reference already exists');
  repo.refs.set(ref, sha);
  return ok(presentRef(ctx.urls, repo, ref, sha), 201, { location: `${ctx.urls.api}${R.replace('{owner}', repo.owner).replace('{repo}', repo.name)}/git/${ref}` });
}

function updateRef(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const body = bodyObject(ctx);
  const sha = reqString(body, 'sha', 'Reference');
  optBool(body, 'force', 'Reference');
  const ref = fullRef(ctx);
  if (!repo.refs.has(ref)) throw new ApiError(422, 'Reference does not exist');
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new ApiError(422, 'Object does not exist');
  repo.refs.set(ref, sha);
  return ok(presentRef(ctx.urls, repo, ref, sha));
}

function deleteRef(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const ref = fullRef(ctx);
  if (!repo.refs.delete(ref)) throw new ApiError(422, 'Reference does not exist');
  return noContent();
}

/** Tags, highest version first (GitHub lists tags newest-name first). */
function listTags(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const tags = [...repo.refs]
    .filter(([ref]) => ref.startsWith('refs/tags/'))
    .map(([ref, sha]) => ({ name: ref.slice('refs/tags/'.length), sha }))
    .sort((a, b) => compareVersions(b.name, a.name));
  return paginate(ctx, tags.map((t) => presentTag(ctx.urls, repo, t.name, t.sha)));
}

export const repoRoutes: Route[] = [
  { method: 'GET', pattern: R, handler: (ctx) => ok(presentRepo(ctx.urls, repoOf(ctx))) },
  { method: 'GET', pattern: `${R}/git/ref/{ref+}`, handler: getRef },
  { method: 'GET', pattern: `${R}/git/matching-refs/{ref+}`, handler: matchingRefs },
  { method: 'POST', pattern: `${R}/git/refs`, handler: createRef },
  { method: 'PATCH', pattern: `${R}/git/refs/{ref+}`, handler: updateRef },
  { method: 'DELETE', pattern: `${R}/git/refs/{ref+}`, handler: deleteRef },
  { method: 'GET', pattern: `${R}/tags`, handler: listTags },
];
