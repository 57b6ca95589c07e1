import { Octokit } from '@octokit/rest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './server.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const REPO = { owner: 'tektoncd', repo: 'plumbing' };
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

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

const failure = (p: Promise<unknown>) => p.then(() => ({ status: 200 }), (e: { status: number; response: { data: unknown } }) => ({ status: e.status, data: e.response.data }));

describe('repositories and git refs on the local GitHub API server, via @octokit/rest', () => {
  it('gets a seeded repository and 404s an unknown one with GitHub\'s error body', async () => {
    const { data } = await gh.rest.repos.get(REPO);
    expect(data).toMatchObject({ full_name: 'tektoncd/plumbing', default_branch: 'main', private: false });
    expect(await failure(gh.rest.repos.get({ owner: 'tektoncd', repo: 'nope' }))).toEqual({
      status: 404,
      data: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
    });
  });

  it('creates a tag ref, then answers 422 "Reference already exists" for the same ref', async () => {
    const { data, status } = await gh.rest.git.createRef({ ...REPO, ref: 'refs/tags/v1.0.0', sha: A });
    expect(status).toBe(201);
    expect(data).toMatchObject({ ref: 'refs/tags/v1.0.0', object: { type: 'commit', sha: A } });
    expect(await failure(gh.rest.git.createRef({ ...REPO, ref: 'refs/tags/v1.0.0', sha: B }))).toEqual({
      status: 422,
      data: { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest', status: '422' },
    });
    expect(server.state.repo('tektoncd/plumbing').refs.get('refs/tags/v1.0.0')).toBe(A);
  });

  it('rejects a ref without refs/ and two slashes', async () => {
    expect(await failure(gh.rest.git.createRef({ ...REPO, ref: 'tags/v1.0.0', sha: A }))).toMatchObject({
      status: 422,
      data: { message: 'Reference name must contain at least three slash-separated components.' },
    });
    expect(await failure(gh.rest.git.createRef({ ...REPO, ref: 'heads/a/b', sha: A }))).toMatchObject({ status: 422, data: { message: 'heads/a/b is not a valid ref name.' } });
    expect(server.state.repo('tektoncd/plumbing').refs.size).toBe(1); // only refs/heads/main
  });

  it('gets one ref, lists matching refs by prefix, updates and deletes a ref', async () => {
    server.state.setRef('tektoncd/plumbing', 'tags/v1.0.0', A);
    server.state.setRef('tektoncd/plumbing', 'tags/v1.1.0', A);
    server.state.setRef('tektoncd/plumbing', 'tags/v2.0.0', B);
    expect((await gh.rest.git.getRef({ ...REPO, ref: 'tags/v1.1.0' })).data.object.sha).toBe(A);
    expect((await failure(gh.rest.git.getRef({ ...REPO, ref: 'tags/v1' }))).status).toBe(404);
    const { data: matching } = await gh.rest.git.listMatchingRefs({ ...REPO, ref: 'tags/v1.' });
    expect(matching.map((r) => r.ref)).toEqual(['refs/tags/v1.0.0', 'refs/tags/v1.1.0']);
    expect((await gh.rest.git.listMatchingRefs({ ...REPO, ref: 'tags/v9' })).data).toEqual([]);

    await gh.rest.git.updateRef({ ...REPO, ref: 'tags/v1.1.0', sha: B, force: true });
    expect(server.state.repo('tektoncd/plumbing').refs.get('refs/tags/v1.1.0')).toBe(B);
    await gh.rest.git.deleteRef({ ...REPO, ref: 'tags/v1.1.0' });
    expect((await failure(gh.rest.git.deleteRef({ ...REPO, ref: 'tags/v1.1.0' }))).status).toBe(422);
  });

  it('lists tags highest version first, paginated', async () => {
    for (const t of ['v0.9.0', 'v0.10.0', 'v0.10.1', 'v0.2.0']) server.state.setRef('tektoncd/plumbing', `tags/${t}`, A);
    const first = await gh.rest.repos.listTags({ ...REPO, per_page: 3 });
    expect(first.data.map((t) => t.name)).toEqual(['v0.10.1', 'v0.10.0', 'v0.9.0']);
    expect(first.headers.link).toContain('rel="next"');
    const all = await gh.paginate(gh.rest.repos.listTags, { ...REPO, per_page: 3 });
    expect(all.map((t) => t.name)).toEqual(['v0.10.1', 'v0.10.0', 'v0.9.0', 'v0.2.0']);
    expect(all[0]?.commit.sha).toBe(A);
  });
});
