// Releases and release assets, with GitHub's pitfalls kept: drafts listed first, a draft does not
// create its tag, publishing does, asset names are unique per release (422 already_exists).

import {
  ApiError,
  bodyObject,
  noContent,
  notFound,
  numParam,
  ok,
  optBool,
  optString,
  paginate,
  type RequestContext,
  repoOf,
  reqString,
  validationFailed,
} from './http.js';
import { assetStoragePath, presentAsset, presentRelease } from './present.js';
import type { Route } from './router.js';
import type { GitHubState } from './state.js';
import type { AssetRecord, MakeLatest, ReleaseRecord, RepoRecord } from './types.js';

const R = '/repos/{owner}/{repo}';

function releaseOf(ctx: RequestContext, repo: RepoRecord): ReleaseRecord {
  const id = numParam(ctx, 'release_id');
  const release = repo.releases.find((r) => r.id === id);
  if (!release) throw notFound();
  return release;
}

function assetOf(ctx: RequestContext, repo: RepoRecord): { release: ReleaseRecord; asset: AssetRecord } {
  const id = numParam(ctx, 'asset_id');
  for (const release of repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset) return { release, asset };
  }
  throw notFound();
}

function makeLatestOf(body: Record<string, unknown>): MakeLatest | undefined {
  const v = optString(body, 'make_latest', 'Release');
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false' && v !== 'legacy') throw validationFailed({ resource: 'Release', code: 'invalid', field: 'make_latest' });
  return v;
}

/** A published release may not share its tag with another published release. */
function checkTagFree(repo: RepoRecord, release: { id?: number; tagName: string }): void {
  if (repo.releases.some((r) => !r.draft && r.tagName === release.tagName && r.id !== release.id)) {
    throw validationFailed({ resource: 'Release', code: 'already_exists', field: 'tag_name' });
  }
}

function tagOrFail(state: GitHubState, repo: RepoRecord, release: ReleaseRecord): void {
  if (!state.ensureTag(repo, release)) throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
}

function createRelease(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const body = bodyObject(ctx);
  const tagName = reqString(body, 'tag_name', 'Release');
  const draft = optBool(body, 'draft', 'Release') ?? false;
  const targetCommitish = optString(body, 'target_commitish', 'Release') ?? repo.defaultBranch;
  const makeLatest = makeLatestOf(body);
  optBool(body, 'generate_release_notes', 'Release');
  if (!draft) {
    checkTagFree(repo, { tagName });
    if (!repo.refs.has(`refs/tags/${tagName}`) && !ctx.state.resolveCommit(repo, targetCommitish)) {
      throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
    }
  }
  const release = ctx.state.addRelease(`${repo.owner}/${repo.name}`, {
    tagName,
    targetCommitish,
    name: optString(body, 'name', 'Release') ?? null,
    body: optString(body, 'body', 'Release') ?? null,
    draft,
    prerelease: optBool(body, 'prerelease', 'Release') ?? false,
    ...(makeLatest === undefined ? {} : { makeLatest }),
  });
  const presented = presentRelease(ctx.urls, repo, release);
  return ok(presented, 201, { location: String(presented['url']) });
}

function updateRelease(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const release = releaseOf(ctx, repo);
  const body = bodyObject(ctx);
  const makeLatest = makeLatestOf(body);
  const next = {
    tagName: optString(body, 'tag_name', 'Release') ?? release.tagName,
    targetCommitish: optString(body, 'target_commitish', 'Release') ?? release.targetCommitish,
    draft: optBool(body, 'draft', 'Release') ?? release.draft,
    prerelease: optBool(body, 'prerelease', 'Release') ?? release.prerelease,
  };
  const publishing = release.draft && !next.draft;
  if (!next.draft) {
    checkTagFree(repo, { id: release.id, tagName: next.tagName });
    if (!repo.refs.has(`refs/tags/${next.tagName}`) && !ctx.state.resolveCommit(repo, next.targetCommitish)) {
      throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
    }
  }
  Object.assign(release, next);
  if ('name' in body) release.name = optString(body, 'name', 'Release') ?? null;
  if ('body' in body) release.body = optString(body, 'body', 'Release') ?? null;
  if (publishing) release.publishedAt = ctx.state.now();
  if (next.draft) release.publishedAt = null;
  if (!release.draft) tagOrFail(ctx.state, repo, release);
  ctx.state.applyMakeLatest(repo, release, makeLatest, publishing);
  return ok(presentRelease(ctx.urls, repo, release));
}

function deleteRelease(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const release = releaseOf(ctx, repo);
  repo.releases = repo.releases.filter((r) => r !== release);
  if (repo.latestReleaseId === release.id) repo.latestReleaseId = null;
  return noContent();
}

function releaseByTag(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const release = ctx.state.listReleases(repo).find((r) => !r.draft && r.tagName === ctx.params['tag']);
  if (!release) throw notFound();
  return ok(presentRelease(ctx.urls, repo, release));
}

function latestRelease(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const release = ctx.state.latestRelease(repo);
  if (!release) throw notFound();
  return ok(presentRelease(ctx.urls, repo, release));
}

/** GitHub renames names with special characters; here: anything outside [A-Za-z0-9._+-] becomes ".". */
const sanitizeAssetName = (name: string) => name.replace(/[^A-Za-z0-9._+-]/g, '.').replace(/^\.+|\.+$/g, '');

function uploadAsset(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const release = releaseOf(ctx, repo);
  const rawName = ctx.query.get('name');
  if (!rawName) throw validationFailed({ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' });
  const name = sanitizeAssetName(rawName);
  if (release.assets.some((a) => a.name === name)) {
    throw validationFailed({ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' });
  }
  const contentType = String(ctx.headers['content-type'] ?? 'application/octet-stream');
  const asset = ctx.state.addAsset(release, name, ctx.raw, contentType, ctx.query.get('label'));
  return ok(presentAsset(ctx.urls, repo, release, asset), 201);
}

function getAsset(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const { release, asset } = assetOf(ctx, repo);
  if (String(ctx.headers.accept ?? '').includes('application/octet-stream')) {
    return { status: 302, headers: { location: `${ctx.urls.api}${assetStoragePath(repo, asset)}` } };
  }
  return ok(presentAsset(ctx.urls, repo, release, asset));
}

function updateAsset(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const { release, asset } = assetOf(ctx, repo);
  const body = bodyObject(ctx);
  const name = optString(body, 'name', 'ReleaseAsset');
  if (name !== undefined && release.assets.some((a) => a !== asset && a.name === name)) {
    throw validationFailed({ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' });
  }
  if (name !== undefined) asset.name = name;
  if ('label' in body) asset.label = optString(body, 'label', 'ReleaseAsset') ?? null;
  asset.updatedAt = ctx.state.now();
  return ok(presentAsset(ctx.urls, repo, release, asset));
}

function deleteAsset(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const { release, asset } = assetOf(ctx, repo);
  release.assets = release.assets.filter((a) => a !== asset);
  return noContent();
}

/** The bytes, as GitHub's storage serves them after the redirect (no API auth needed). */
function storageDownload(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const { asset } = assetOf(ctx, repo);
  asset.downloadCount += 1;
  return { status: 200, raw: asset.data, headers: { 'content-type': asset.contentType } };
}

/** github.com/{o}/{r}/releases/download/{tag}/{name}: a redirect to storage, as on github.com. */
function browserDownload(ctx: RequestContext) {
  const repo = repoOf(ctx);
  const tag = ctx.params['tag'] ?? '';
  const release = repo.releases.find((r) => (r.draft ? `untagged-${r.id}` === tag : r.tagName === tag));
  const asset = release?.assets.find((a) => a.name === ctx.params['name']);
  if (!asset) throw new ApiError(404, 'Not Found');
  return { status: 302, headers: { location: `${ctx.urls.api}${assetStoragePath(repo, asset)}` } };
}

export const releaseRoutes: Route[] = [
  { method: 'GET', pattern: `${R}/releases`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return paginate(ctx, ctx.state.listReleases(repo).map((r) => presentRelease(ctx.urls, repo, r)));
  } },
  { method: 'POST', pattern: `${R}/releases`, handler: createRelease },
  { method: 'GET', pattern: `${R}/releases/latest`, handler: latestRelease },
  { method: 'GET', pattern: `${R}/releases/tags/{tag+}`, handler: releaseByTag },
  { method: 'GET', pattern: `${R}/releases/assets/{asset_id}`, handler: getAsset },
  { method: 'PATCH', pattern: `${R}/releases/assets/{asset_id}`, handler: updateAsset },
  { method: 'DELETE', pattern: `${R}/releases/assets/{asset_id}`, handler: deleteAsset },
  { method: 'GET', pattern: `${R}/releases/{release_id}`, handler: (ctx) => {
    const repo = repoOf(ctx);
    return ok(presentRelease(ctx.urls, repo, releaseOf(ctx, repo)));
  } },
  { method: 'PATCH', pattern: `${R}/releases/{release_id}`, handler: updateRelease },
  { method: 'DELETE', pattern: `${R}/releases/{release_id}`, handler: deleteRelease },
  { method: 'GET', pattern: `${R}/releases/{release_id}/assets`, handler: (ctx) => {
    const repo = repoOf(ctx);
    const release = releaseOf(ctx, repo);
    return paginate(ctx, release.assets.map((a) => presentAsset(ctx.urls, repo, release, a)));
  } },
  { method: 'POST', pattern: `${R}/releases/{release_id}/assets`, host: 'uploads', handler: uploadAsset },
  { method: 'GET', pattern: '/_storage/{owner}/{repo}/assets/{asset_id}', anonymous: true, handler: storageDownload },
  { method: 'GET', pattern: '/{owner}/{repo}/releases/download/{tag}/{name}', anonymous: true, handler: browserDownload },
];
