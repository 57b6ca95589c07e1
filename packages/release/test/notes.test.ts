import { type GitHubServer, git, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyRelease } from '../src/apply.js';
import { createGitHub } from '@plumbing/github';
import { prepareRelease } from '../src/plan.js';
import { commitAndPush, type Fixture, makeCtx, makeFixture, REPO } from './helpers.js';

let gh: GitHubServer;
let f: Fixture | undefined;
beforeAll(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => gh.reset());
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

const port = () => createGitHub({ auth: { token: gh.token }, baseUrl: gh.url }).repo('demo/demo');

describe('release notes from merged pull requests (local GitHub API server)', () => {
  it('reads every page (>100 PRs), keeps only the PRs merged between the previous release and the commit, groups them by kind', async () => {
    f = await makeFixture();
    await git(f.work, ['tag', 'v0.1.0']);
    await git(f.work, ['push', '--quiet', 'origin', 'v0.1.0']);
    gh.state.addRelease(REPO, { tagName: 'v0.1.0', targetCommitish: f.shas[0]! });
    // A PR merged before v0.1.0: not in the notes.
    gh.state.addPull(REPO, { title: 'old change', labels: ['kind/feature'], mergedAt: '2024-01-01T00:00:00Z', mergeCommitSha: f.shas[0]! });
    const commits = Array.from({ length: 105 }, (_, i) => ({ files: { [`f${i}.txt`]: String(i) }, message: `change ${i}` }));
    const shas = await commitAndPush(f, commits);
    shas.forEach((sha, i) => {
      const kind = i % 3 === 0 ? 'kind/bug' : i % 3 === 1 ? 'kind/feature' : undefined;
      gh.state.addPull(REPO, {
        title: `change ${i}`,
        user: `dev${i % 5}`,
        labels: kind ? [kind, 'size/S'] : ['size/S'],
        body: i === 4 ? 'Adds things.\n\n```release-note\nThe hello task takes a greeting.\n```\n' : i === 5 ? '```release-note\nNONE\n```' : null,
        mergedAt: '2024-02-01T00:00:00Z',
        mergeCommitSha: sha,
      });
    });
    // Closed without merging, and open: never in the notes.
    gh.state.addPull(REPO, { title: 'abandoned', state: 'closed' });
    gh.state.addPull(REPO, { title: 'still open' });
    const sha = shas.at(-1)!;
    gh.state.addStatus(REPO, sha, { state: 'success', context: 'ci' });

    const { plan } = await prepareRelease(makeCtx(f, port()), { kind: 'nightly' }, { dryRun: true });
    expect(plan.previousVersion).toBe('v0.1.0');
    expect(plan.pullRequests).toBe(105);
    const pages = gh.requests.filter((r) => r.method === 'GET' && r.path === '/repos/demo/demo/pulls');
    expect(pages.length).toBeGreaterThan(1);
    const notes = plan.notes;
    expect(notes).toContain('Previous: v0.1.0');
    expect(notes.indexOf('## Features')).toBeLessThan(notes.indexOf('## Fixes'));
    expect(notes.indexOf('## Fixes')).toBeLessThan(notes.indexOf('## Other changes'));
    expect(notes).toMatch(/^- The hello task takes a greeting\. \(#\d+\) by @dev4$/m);
    expect(notes).toMatch(/^- change 5 \(#\d+\) by @dev0$/m);
    expect(notes).not.toContain('old change');
    expect(notes).not.toContain('abandoned');
    expect(notes).not.toContain('still open');
    for (let i = 0; i < 105; i++) expect(notes).toMatch(new RegExp(`change ${i} \\(#|greeting`));
  });

  it('puts the rendered notes in the draft body; a changed template updates the draft, never a second one', async () => {
    f = await makeFixture();
    await git(f.work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/release-v0.1.x']);
    await git(f.work, ['fetch', '--quiet', 'origin']);
    gh.state.addStatus(REPO, f.shas[0]!, { state: 'success', context: 'ci' });
    const ctx = makeCtx(f, port());
    await applyRelease(ctx, await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }));
    const repo = gh.state.repo(REPO);
    expect(repo.releases).toHaveLength(1);
    expect(repo.releases[0]!.body).toContain('# demo v0.1.0');
    repo.releases[0]!.body = 'edited by hand';
    await applyRelease(ctx, await prepareRelease(ctx, { kind: 'full', version: 'v0.1.0' }));
    expect(repo.releases.map((r) => [r.draft, r.body?.startsWith('# demo v0.1.0')])).toEqual([[true, true]]);
  });
});
