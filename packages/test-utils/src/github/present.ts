// Stored records → the JSON GitHub's REST API (v3) returns for them, with URLs on the fake's hosts.

import type { Urls } from './http.js';
import type { AnnotationRecord, AssetRecord, CheckRunRecord, CommentRecord, IssueRecord, LabelRecord, ReleaseRecord, RepoRecord, StatusRecord } from './types.js';

const nodeId = (kind: string, id: number | string) => Buffer.from(`${kind}:${id}`).toString('base64');

/** A stable numeric id for a login, so `user.id` is the same on every object. */
function userId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_007;
  return h;
}

export function presentUser(urls: Urls, login: string): Record<string, unknown> {
  return {
    login,
    id: userId(login),
    node_id: nodeId('User', login),
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
    url: `${urls.api}/users/${login}`,
    html_url: `${urls.api}/${login}`,
    avatar_url: `${urls.api}/avatars/${login}`,
  };
}

const repoApi = (urls: Urls, repo: RepoRecord) => `${urls.api}/repos/${repo.owner}/${repo.name}`;
const repoWeb = (urls: Urls, repo: RepoRecord) => `${urls.api}/${repo.owner}/${repo.name}`;

export function presentRepo(urls: Urls, repo: RepoRecord): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: presentUser(urls, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    fork: false,
    archived: false,
    disabled: false,
    default_branch: repo.defaultBranch,
    url: repoApi(urls, repo),
    html_url: repoWeb(urls, repo),
    clone_url: `${repoWeb(urls, repo)}.git`,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
  };
}

export function presentRef(urls: Urls, repo: RepoRecord, ref: string, sha: string): Record<string, unknown> {
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${repoApi(urls, repo)}/git/${ref}`,
    object: { type: 'commit', sha, url: `${repoApi(urls, repo)}/git/commits/${sha}` },
  };
}

export function presentTag(urls: Urls, repo: RepoRecord, name: string, sha: string): Record<string, unknown> {
  return {
    name,
    node_id: nodeId('Tag', `${repo.id}:${name}`),
    commit: { sha, url: `${repoApi(urls, repo)}/commits/${sha}` },
    zipball_url: `${repoApi(urls, repo)}/zipball/refs/tags/${name}`,
    tarball_url: `${repoApi(urls, repo)}/tarball/refs/tags/${name}`,
  };
}

/** Where an asset's bytes are served without the API (GitHub's signed storage URL stand-in). */
export const assetStoragePath = (repo: RepoRecord, asset: AssetRecord) => `/_storage/${repo.owner}/${repo.name}/assets/${asset.id}`;

export function presentAsset(urls: Urls, repo: RepoRecord, release: ReleaseRecord, asset: AssetRecord): Record<string, unknown> {
  const tag = release.draft ? `untagged-${release.id}` : release.tagName;
  return {
    url: `${repoApi(urls, repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${repoWeb(urls, repo)}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: asset.label,
    state: 'uploaded',
    content_type: asset.contentType,
    size: asset.data.length,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    uploader: presentUser(urls, asset.uploader),
  };
}

export function presentRelease(urls: Urls, repo: RepoRecord, release: ReleaseRecord): Record<string, unknown> {
  const api = `${repoApi(urls, repo)}/releases/${release.id}`;
  const tagPath = release.draft ? `untagged-${release.id}` : `tag/${encodeURIComponent(release.tagName)}`;
  return {
    url: api,
    html_url: `${repoWeb(urls, repo)}/releases/${tagPath}`,
    assets_url: `${api}/assets`,
    upload_url: `${urls.uploads}/repos/${repo.owner}/${repo.name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${repoApi(urls, repo)}/tarball/${release.tagName}`,
    zipball_url: release.draft ? null : `${repoApi(urls, repo)}/zipball/${release.tagName}`,
    id: release.id,
    node_id: nodeId('Release', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    author: presentUser(urls, release.author),
    assets: release.assets.map((a) => presentAsset(urls, repo, release, a)),
  };
}

export function presentStatus(urls: Urls, repo: RepoRecord, s: StatusRecord): Record<string, unknown> {
  return {
    url: `${repoApi(urls, repo)}/statuses/${s.sha}`,
    avatar_url: `${urls.api}/avatars/${s.creator}`,
    id: s.id,
    node_id: nodeId('StatusContext', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    creator: presentUser(urls, s.creator),
  };
}

export function presentCheckRun(urls: Urls, repo: RepoRecord, c: CheckRunRecord): Record<string, unknown> {
  return {
    id: c.id,
    node_id: nodeId('CheckRun', c.id),
    head_sha: c.headSha,
    external_id: c.externalId ?? '',
    url: `${repoApi(urls, repo)}/check-runs/${c.id}`,
    html_url: `${repoWeb(urls, repo)}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: { ...c.output, annotations_count: c.annotations.length, annotations_url: `${repoApi(urls, repo)}/check-runs/${c.id}/annotations` },
    name: c.name,
    app: { slug: c.appSlug, name: c.appSlug, owner: presentUser(urls, repo.owner) },
    pull_requests: [],
  };
}

export function presentAnnotation(a: AnnotationRecord): Record<string, unknown> {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    start_column: a.startColumn,
    end_column: a.endColumn,
    annotation_level: a.level,
    title: a.title,
    message: a.message,
    raw_details: a.rawDetails,
    blob_href: '',
  };
}

export function presentLabel(urls: Urls, repo: RepoRecord, l: LabelRecord): Record<string, unknown> {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${repoApi(urls, repo)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: false,
    description: l.description,
  };
}

const labelsOf = (urls: Urls, repo: RepoRecord, i: IssueRecord) =>
  i.labels.map((name) => presentLabel(urls, repo, repo.labels.get(name) ?? { id: 0, name, color: 'ededed', description: null }));

/** An issue, or a pull request as the issues API shows it (with a `pull_request` key). */
export function presentIssue(urls: Urls, repo: RepoRecord, i: IssueRecord): Record<string, unknown> {
  const api = `${repoApi(urls, repo)}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId(i.pull ? 'PullRequest' : 'Issue', i.id),
    url: api,
    repository_url: repoApi(urls, repo),
    comments_url: `${api}/comments`,
    html_url: `${repoWeb(urls, repo)}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: presentUser(urls, i.user),
    labels: labelsOf(urls, repo, i),
    assignees: i.assignees.map((a) => presentUser(urls, a)),
    assignee: i.assignees[0] === undefined ? null : presentUser(urls, i.assignees[0]),
    locked: false,
    comments: repo.comments.filter((c) => c.issueNumber === i.number).length,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: 'MEMBER',
    ...(i.pull
      ? {
          pull_request: {
            url: `${repoApi(urls, repo)}/pulls/${i.number}`,
            html_url: `${repoWeb(urls, repo)}/pull/${i.number}`,
            merged_at: i.pull.mergedAt,
          },
        }
      : {}),
  };
}

export function presentPull(urls: Urls, repo: RepoRecord, i: IssueRecord): Record<string, unknown> {
  const p = i.pull;
  if (!p) throw new Error('not a pull request');
  const api = `${repoApi(urls, repo)}/pulls/${i.number}`;
  const branch = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: presentUser(urls, repo.owner),
    repo: presentRepo(urls, repo),
  });
  return {
    url: api,
    id: i.id,
    node_id: nodeId('PullRequest', i.id),
    html_url: `${repoWeb(urls, repo)}/pull/${i.number}`,
    issue_url: `${repoApi(urls, repo)}/issues/${i.number}`,
    commits_url: `${api}/commits`,
    number: i.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: presentUser(urls, i.user),
    body: i.body,
    labels: labelsOf(urls, repo, i),
    assignees: i.assignees.map((a) => presentUser(urls, a)),
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    draft: p.draft,
    head: branch(p.headRef, p.headSha),
    base: branch(p.baseRef, p.baseSha),
    author_association: 'MEMBER',
  };
}

export function presentComment(urls: Urls, repo: RepoRecord, c: CommentRecord): Record<string, unknown> {
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${repoApi(urls, repo)}/issues/comments/${c.id}`,
    html_url: `${repoWeb(urls, repo)}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${repoApi(urls, repo)}/issues/${c.issueNumber}`,
    body: c.body,
    user: presentUser(urls, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: 'MEMBER',
  };
}
