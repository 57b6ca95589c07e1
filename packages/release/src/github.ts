import { Octokit } from '@octokit/rest';
import { PlumbingError } from '@plumbing/model';
import { redact } from './errors.js';

export interface ReleaseInfo {
  id: number;
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  uploadUrl: string;
  htmlUrl: string;
}

export interface AssetInfo {
  id: number;
  name: string;
  size: number;
  /** "sha256:…" when GitHub reports it. */
  digest: string | undefined;
}

export interface PullInfo {
  number: number;
  title: string;
  body: string | null;
  author: string;
  labels: string[];
  mergeCommitSha: string | null;
  mergedAt: string | null;
  url: string;
}

export interface CiState {
  /** Combined status of the commit statuses ("pending" also when there are none). */
  combined: 'success' | 'pending' | 'failure' | 'error';
  statuses: { context: string; state: string }[];
  checkRuns: { name: string; status: string; conclusion: string | null }[];
}

export interface ReleaseWrite {
  tagName: string;
  targetCommitish: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  makeLatest: 'true' | 'false';
}

/** The one port to GitHub. Every method wraps API errors into a PlumbingError (never a token). */
export interface GitHubPort {
  readonly repository: string;
  tagSha(tag: string): Promise<string | undefined>;
  createTag(tag: string, sha: string): Promise<void>;
  /** Every release, all pages (GitHub lists drafts first). */
  listReleases(): Promise<ReleaseInfo[]>;
  createRelease(r: ReleaseWrite): Promise<ReleaseInfo>;
  updateRelease(id: number, r: Partial<ReleaseWrite>): Promise<ReleaseInfo>;
  listAssets(releaseId: number): Promise<AssetInfo[]>;
  downloadAsset(assetId: number): Promise<Buffer>;
  uploadAsset(release: ReleaseInfo, name: string, data: Buffer): Promise<AssetInfo>;
  deleteAsset(assetId: number): Promise<void>;
  deleteRelease(releaseId: number): Promise<void>;
  ciState(sha: string): Promise<CiState>;
  /** Every closed pull request, all pages, no cap. */
  closedPulls(): Promise<PullInfo[]>;
  findOpenIssue(title: string, label: string): Promise<number | undefined>;
  createIssue(title: string, body: string, labels: string[]): Promise<number>;
  comment(issue: number, body: string): Promise<void>;
}

export interface OctokitGitHubOptions {
  owner: string;
  repo: string;
  token: string;
  /** API base URL (default https://api.github.com; GITHUB_API_URL). */
  baseUrl?: string;
}

function wrap(what: string, token: string): (e: unknown) => never {
  return (e) => {
    const status = typeof e === 'object' && e !== null && 'status' in e ? (e as { status: unknown }).status : undefined;
    const msg = redact(e instanceof Error ? e.message : String(e), [token]);
    const hint =
      status === 401 ? 'check GITHUB_TOKEN' : status === 403 || status === 429 ? 'rate limited or not allowed: wait, or check the token permissions (contents, issues: write)' : 're-run: every step converges';
    throw new PlumbingError('GITHUB_API', `GitHub ${what}: ${status ?? ''} ${msg}`.replace(/\s+/g, ' ').trim(), { hint });
  };
}

function toRelease(r: { id: number; tag_name: string; name: string | null; body?: string | null; draft: boolean; prerelease: boolean; upload_url: string; html_url: string }): ReleaseInfo {
  return { id: r.id, tagName: r.tag_name, name: r.name, body: r.body ?? null, draft: r.draft, prerelease: r.prerelease, uploadUrl: r.upload_url, htmlUrl: r.html_url };
}

function toAsset(a: { id: number; name: string; size: number; digest?: string | null }): AssetInfo {
  return { id: a.id, name: a.name, size: a.size, digest: a.digest ?? undefined };
}

/** GitHub over @octokit/rest. */
export function octokitGitHub(opts: OctokitGitHubOptions): GitHubPort {
  const octokit = new Octokit({ auth: opts.token, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), log: { debug() {}, info() {}, warn() {}, error() {} } });
  const o = { owner: opts.owner, repo: opts.repo };
  const w = (what: string) => wrap(what, opts.token);
  return {
    repository: `${opts.owner}/${opts.repo}`,
    async tagSha(tag) {
      try {
        const r = await octokit.rest.git.getRef({ ...o, ref: `tags/${tag}` });
        const obj = r.data.object;
        if (obj.type === 'tag') {
          const t = await octokit.rest.git.getTag({ ...o, tag_sha: obj.sha }).catch(() => undefined);
          return t?.data.object.sha ?? obj.sha;
        }
        return obj.sha;
      } catch (e) {
        if (typeof e === 'object' && e !== null && (e as { status?: number }).status === 404) return undefined;
        return w(`get ref tags/${tag}`)(e);
      }
    },
    async createTag(tag, sha) {
      await octokit.rest.git.createRef({ ...o, ref: `refs/tags/${tag}`, sha }).catch(w(`create ref tags/${tag}`));
    },
    async listReleases() {
      const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...o, per_page: 100 }).catch(w('list releases'));
      return all.map(toRelease);
    },
    async createRelease(r) {
      const res = await octokit.rest.repos
        .createRelease({ ...o, tag_name: r.tagName, target_commitish: r.targetCommitish, name: r.name, body: r.body, draft: r.draft, prerelease: r.prerelease, make_latest: r.makeLatest })
        .catch(w(`create release ${r.tagName}`));
      return toRelease(res.data);
    },
    async updateRelease(id, r) {
      const res = await octokit.rest.repos
        .updateRelease({
          ...o,
          release_id: id,
          ...(r.tagName === undefined ? {} : { tag_name: r.tagName }),
          ...(r.targetCommitish === undefined ? {} : { target_commitish: r.targetCommitish }),
          ...(r.name === undefined ? {} : { name: r.name }),
          ...(r.body === undefined ? {} : { body: r.body }),
          ...(r.draft === undefined ? {} : { draft: r.draft }),
          ...(r.prerelease === undefined ? {} : { prerelease: r.prerelease }),
          ...(r.makeLatest === undefined ? {} : { make_latest: r.makeLatest }),
        })
        .catch(w(`update release ${id}`));
      return toRelease(res.data);
    },
    async listAssets(releaseId) {
      const all = await octokit.paginate(octokit.rest.repos.listReleaseAssets, { ...o, release_id: releaseId, per_page: 100 }).catch(w('list release assets'));
      return all.map(toAsset);
    },
    async downloadAsset(assetId) {
      const res = await octokit
        .request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...o, asset_id: assetId, headers: { accept: 'application/octet-stream' } })
        .catch(w(`download asset ${assetId}`));
      const d: unknown = res.data;
      return d instanceof ArrayBuffer ? Buffer.from(d) : Buffer.isBuffer(d) ? d : Buffer.from(typeof d === 'string' ? d : JSON.stringify(d));
    },
    async uploadAsset(release, name, data) {
      const res = await octokit
        .request({ method: 'POST', url: release.uploadUrl.includes('{') ? release.uploadUrl : `${release.uploadUrl}{?name,label}`, name, data, headers: { 'content-type': 'application/octet-stream', 'content-length': data.length } })
        .catch(w(`upload asset ${name}`));
      return toAsset(res.data as { id: number; name: string; size: number });
    },
    async deleteRelease(releaseId) {
      await octokit.rest.repos.deleteRelease({ ...o, release_id: releaseId }).catch(w(`delete release ${releaseId}`));
    },
    async deleteAsset(assetId) {
      await octokit.rest.repos.deleteReleaseAsset({ ...o, asset_id: assetId }).catch(w(`delete asset ${assetId}`));
    },
    async ciState(sha) {
      const combined = await octokit.rest.repos.getCombinedStatusForRef({ ...o, ref: sha, per_page: 100 }).catch(w(`combined status of ${sha.slice(0, 7)}`));
      const runs = await octokit.paginate(octokit.rest.checks.listForRef, { ...o, ref: sha, per_page: 100 }).catch(w(`check runs of ${sha.slice(0, 7)}`));
      return {
        combined: combined.data.state as CiState['combined'],
        statuses: combined.data.statuses.map((s) => ({ context: s.context, state: s.state })),
        checkRuns: runs.map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion })),
      };
    },
    async closedPulls() {
      const all = await octokit.paginate(octokit.rest.pulls.list, { ...o, state: 'closed', per_page: 100 }).catch(w('list pull requests'));
      return all.map((p) => ({
        number: p.number,
        title: p.title,
        body: p.body,
        author: p.user?.login ?? 'ghost',
        labels: p.labels.map((l) => l.name ?? '').filter(Boolean),
        mergeCommitSha: p.merge_commit_sha ?? null,
        mergedAt: p.merged_at,
        url: p.html_url,
      }));
    },
    async findOpenIssue(title, label) {
      const all = await octokit.paginate(octokit.rest.issues.listForRepo, { ...o, state: 'open', labels: label, per_page: 100 }).catch(w('list issues'));
      return all.find((i) => i.pull_request === undefined && i.title === title)?.number;
    },
    async createIssue(title, body, labels) {
      const res = await octokit.rest.issues.create({ ...o, title, body, labels }).catch(w('create issue'));
      return res.data.number;
    },
    async comment(issue, body) {
      await octokit.rest.issues.createComment({ ...o, issue_number: issue, body }).catch(w(`comment on #${issue}`));
    },
  };
}
