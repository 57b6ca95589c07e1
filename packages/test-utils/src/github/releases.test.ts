import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './server.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const REPO = { owner: 'tektoncd', repo: 'plumbing' };

let server: GitHubServer;
let gh: Octokit;

beforeEach(async () => {
  if (!server) {
    server = await startGitHubServer({ repos: ['tektoncd/plumbing'] });
    gh = new Octokit({ auth: server.token, baseUrl: server.url, log: quiet });
  }
  server.reset();
});
afterAll(() => server?.close());

const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status: number }) => e.status);

describe('releases on the local GitHub API server, via @octokit/rest', () => {
  it('lists drafts first regardless of date, as GitHub does', async () => {
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v0.1.0', createdAt: '2024-03-01T00:00:00Z' });
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v0.3.0', draft: true, createdAt: '2024-01-01T00:00:00Z' });
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v0.2.0', createdAt: '2024-04-01T00:00:00Z' });
    const { data } = await gh.rest.repos.listReleases(REPO);
    expect(data.map((r) => [r.tag_name, r.draft])).toEqual([
      ['v0.3.0', true],
      ['v0.2.0', false],
      ['v0.1.0', false],
    ]);
  });

  it('does not create the tag for a draft, and creates it when the draft is published', async () => {
    const head = server.state.repo('tektoncd/plumbing').refs.get('refs/heads/main');
    const { data: draft } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0', draft: true, name: 'v1.0.0' });
    expect(draft).toMatchObject({ draft: true, published_at: null, tag_name: 'v1.0.0', target_commitish: 'main' });
    expect(await status(gh.rest.git.getRef({ ...REPO, ref: 'tags/v1.0.0' }))).toBe(404);
    expect(await status(gh.rest.repos.getReleaseByTag({ ...REPO, tag: 'v1.0.0' }))).toBe(404);

    const { data: published } = await gh.rest.repos.updateRelease({ ...REPO, release_id: draft.id, draft: false });
    expect(published.draft).toBe(false);
    expect(published.published_at).not.toBeNull();
    const { data: ref } = await gh.rest.git.getRef({ ...REPO, ref: 'tags/v1.0.0' });
    expect(ref.object.sha).toBe(head);
    expect((await gh.rest.repos.getReleaseByTag({ ...REPO, tag: 'v1.0.0' })).data.id).toBe(draft.id);
  });

  it('creates the tag at target_commitish for a published release', async () => {
    const sha = 'a'.repeat(40);
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v2.0.0', target_commitish: sha });
    expect((await gh.rest.git.getRef({ ...REPO, ref: 'tags/v2.0.0' })).data.object.sha).toBe(sha);
  });

  it('answers 422 already_exists for a second published release of a tag, but allows duplicate drafts', async () => {
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0' });
    const err = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0' }).catch((e: { status: number; response: { data: unknown } }) => e);
    expect(err).toMatchObject({ status: 422, response: { data: { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] } } });
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.1.0', draft: true });
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.1.0', draft: true });
    expect(server.state.repo('tektoncd/plumbing').releases.filter((r) => r.tagName === 'v1.1.0')).toHaveLength(2);
  });

  it('keeps "latest" where make_latest puts it: false leaves it, true moves it, legacy goes by date then semver', async () => {
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v2.0.0' });
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.9.1', make_latest: 'false' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v2.0.0');
    const { data: pre } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v3.0.0-rc.1', prerelease: true, make_latest: 'true' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v2.0.0');
    await gh.rest.repos.updateRelease({ ...REPO, release_id: pre.id, prerelease: false, make_latest: 'true' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v3.0.0-rc.1');
    // legacy: the newest by creation date wins, which is why an old-branch patch can become "Latest".
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.9.2', make_latest: 'legacy' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v1.9.2');
  });

  it('makes a newly published release latest by default (make_latest "true"), even when another is newer by date', async () => {
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v2.0.0', createdAt: '2030-01-01T00:00:00Z' });
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.9.3' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v1.9.3');
  });

  it('breaks a legacy date tie by the higher semantic version', async () => {
    const at = '2024-05-01T00:00:00Z';
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v1.10.0', createdAt: at, makeLatest: 'legacy' });
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v1.9.0', createdAt: at, makeLatest: 'legacy' });
    expect((await gh.rest.repos.getLatestRelease(REPO)).data.tag_name).toBe('v1.10.0');
  });

  it('answers 404 for latest when there is no published release', async () => {
    await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0', draft: true });
    expect(await status(gh.rest.repos.getLatestRelease(REPO))).toBe(404);
  });

  it('gets, updates and deletes a release by id', async () => {
    const { data } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0', body: 'notes' });
    expect((await gh.rest.repos.getRelease({ ...REPO, release_id: data.id })).data.body).toBe('notes');
    await gh.rest.repos.updateRelease({ ...REPO, release_id: data.id, body: 'better notes' });
    expect(server.state.repo('tektoncd/plumbing').releases[0]?.body).toBe('better notes');
    await gh.rest.repos.deleteRelease({ ...REPO, release_id: data.id });
    expect(await status(gh.rest.repos.getRelease({ ...REPO, release_id: data.id }))).toBe(404);
    // GitHub keeps the tag when a release is deleted.
    expect((await gh.rest.git.getRef({ ...REPO, ref: 'tags/v1.0.0' })).status).toBe(200);
  });
});

describe('release assets on the local GitHub uploads server', () => {
  it('uploads on the uploads host, lists, downloads the bytes and deletes', async () => {
    const { data: release } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0', draft: true });
    expect(release.upload_url).toBe(`${server.uploadUrl}/repos/tektoncd/plumbing/releases/${release.id}/assets{?name,label}`);
    const bytes = Buffer.from('release.yaml contents\n');
    const { data: asset } = await gh.rest.repos.uploadReleaseAsset({
      ...REPO,
      release_id: release.id,
      name: 'release.yaml',
      data: bytes as unknown as string,
      baseUrl: server.uploadUrl,
      headers: { 'content-type': 'application/x-yaml' },
    });
    expect(asset).toMatchObject({ name: 'release.yaml', size: bytes.length, content_type: 'application/x-yaml', state: 'uploaded' });
    expect(server.requests.at(-1)).toMatchObject({ host: 'uploads', method: 'POST', body: bytes.length, status: 201 });

    const { data: list } = await gh.rest.repos.listReleaseAssets({ ...REPO, release_id: release.id });
    expect(list.map((a) => a.name)).toEqual(['release.yaml']);
    const download = await gh.rest.repos.getReleaseAsset({ ...REPO, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('release.yaml contents\n');

    await gh.rest.repos.deleteReleaseAsset({ ...REPO, asset_id: asset.id });
    expect((await gh.rest.repos.listReleaseAssets({ ...REPO, release_id: release.id })).data).toEqual([]);
  });

  it('answers 422 already_exists when an asset name is uploaded twice (follows upload_url)', async () => {
    const { data: release } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0' });
    const upload = () =>
      gh.request({ method: 'POST', url: release.upload_url, name: 'a.tgz', data: 'x', headers: { 'content-type': 'application/gzip' } });
    await upload();
    const err = await upload().catch((e: { status: number; response: { data: unknown } }) => e);
    expect(err).toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] } },
    });
  });

  it('does not accept uploads on the API host', async () => {
    const { data: release } = await gh.rest.repos.createRelease({ ...REPO, tag_name: 'v1.0.0' });
    expect(await status(gh.request('POST /repos/{owner}/{repo}/releases/{release_id}/assets', { ...REPO, release_id: release.id, name: 'a', data: 'x' }))).toBe(404);
  });

  it('serves browser_download_url as a redirect to the bytes, without a token', async () => {
    server.state.addRelease('tektoncd/plumbing', { tagName: 'v1.0.0', assets: [{ name: 'checksums.txt', data: 'abc  file\n' }] });
    const { data } = await gh.rest.repos.getReleaseByTag({ ...REPO, tag: 'v1.0.0' });
    const url = data.assets[0]?.browser_download_url ?? '';
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(await (await fetch(url)).text()).toBe('abc  file\n');
  });
});
