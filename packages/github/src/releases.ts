// Tags and releases with their assets: what the release command converges.

import type { Caller } from './client.js';
import type { AssetInfo, ReleaseInfo, ReleaseWrite } from './types.js';

export interface ReleasesPort {
  /** The commit a tag points at (an annotated tag is peeled), or undefined when there is no such tag. */
  tagSha(tag: string): Promise<string | undefined>;
  createTag(tag: string, sha: string): Promise<void>;
  /** Every release, all pages (GitHub lists drafts first). */
  listReleases(): Promise<ReleaseInfo[]>;
  createRelease(r: ReleaseWrite): Promise<ReleaseInfo>;
  updateRelease(id: number, r: Partial<ReleaseWrite>): Promise<ReleaseInfo>;
  deleteRelease(releaseId: number): Promise<void>;
  listAssets(releaseId: number): Promise<AssetInfo[]>;
  downloadAsset(assetId: number): Promise<Buffer>;
  uploadAsset(release: ReleaseInfo, name: string, data: Buffer): Promise<AssetInfo>;
  deleteAsset(assetId: number): Promise<void>;
}

type Repo = { owner: string; repo: string };

function toRelease(r: { id: number; tag_name: string; name: string | null; body?: string | null; draft: boolean; prerelease: boolean; upload_url: string; html_url: string }): ReleaseInfo {
  return { id: r.id, tagName: r.tag_name, name: r.name, body: r.body ?? null, draft: r.draft, prerelease: r.prerelease, uploadUrl: r.upload_url, htmlUrl: r.html_url };
}

function toAsset(a: { id: number; name: string; size: number; digest?: string | null }): AssetInfo {
  return { id: a.id, name: a.name, size: a.size, digest: a.digest ?? undefined };
}

function releaseFields(r: Partial<ReleaseWrite>) {
  return {
    ...(r.tagName === undefined ? {} : { tag_name: r.tagName }),
    ...(r.targetCommitish === undefined ? {} : { target_commitish: r.targetCommitish }),
    ...(r.name === undefined ? {} : { name: r.name }),
    ...(r.body === undefined ? {} : { body: r.body }),
    ...(r.draft === undefined ? {} : { draft: r.draft }),
    ...(r.prerelease === undefined ? {} : { prerelease: r.prerelease }),
    ...(r.makeLatest === undefined ? {} : { make_latest: r.makeLatest }),
  };
}

function toBuffer(d: unknown): Buffer {
  if (d instanceof ArrayBuffer) return Buffer.from(d);
  if (Buffer.isBuffer(d)) return d;
  return Buffer.from(typeof d === 'string' ? d : JSON.stringify(d));
}

export function releasesPort(c: Caller, o: Repo): ReleasesPort {
  return {
    async tagSha(tag) {
      const ref = await c.callOr404(`get ref tags/${tag}`, (k) => k.rest.git.getRef({ ...o, ref: `tags/${tag}` }));
      if (!ref) return undefined;
      const obj = ref.data.object;
      if (obj.type !== 'tag') return obj.sha;
      const t = await c.callOr404(`get tag ${tag}`, (k) => k.rest.git.getTag({ ...o, tag_sha: obj.sha }));
      return t?.data.object.sha ?? obj.sha;
    },
    async createTag(tag, sha) {
      await c.call(`create ref tags/${tag}`, (k) => k.rest.git.createRef({ ...o, ref: `refs/tags/${tag}`, sha }));
    },
    async listReleases() {
      const all = await c.call('list releases', (k) => k.paginate(k.rest.repos.listReleases, { ...o, per_page: 100 }));
      return all.map(toRelease);
    },
    async createRelease(r) {
      const res = await c.call(`create release ${r.tagName}`, (k) => k.rest.repos.createRelease({ ...o, ...releaseFields(r), tag_name: r.tagName }));
      return toRelease(res.data);
    },
    async updateRelease(id, r) {
      const res = await c.call(`update release ${id}`, (k) => k.rest.repos.updateRelease({ ...o, release_id: id, ...releaseFields(r) }));
      return toRelease(res.data);
    },
    async deleteRelease(releaseId) {
      await c.call(`delete release ${releaseId}`, (k) => k.rest.repos.deleteRelease({ ...o, release_id: releaseId }));
    },
    async listAssets(releaseId) {
      const all = await c.call('list release assets', (k) => k.paginate(k.rest.repos.listReleaseAssets, { ...o, release_id: releaseId, per_page: 100 }));
      return all.map(toAsset);
    },
    async downloadAsset(assetId) {
      const res = await c.call(`download asset ${assetId}`, (k) =>
        k.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...o, asset_id: assetId, headers: { accept: 'application/octet-stream' } }),
      );
      return toBuffer(res.data);
    },
    async uploadAsset(release, name, data) {
      const url = release.uploadUrl.includes('{') ? release.uploadUrl : `${release.uploadUrl}{?name,label}`;
      const res = await c.call(`upload asset ${name}`, (k) =>
        k.request({ method: 'POST', url, name, data, headers: { 'content-type': 'application/octet-stream', 'content-length': data.length } }),
      );
      return toAsset(res.data as { id: number; name: string; size: number });
    },
    async deleteAsset(assetId) {
      await c.call(`delete asset ${assetId}`, (k) => k.rest.repos.deleteReleaseAsset({ ...o, asset_id: assetId }));
    },
  };
}
