import { git, makeGitRepo, makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Git } from '@plumbing/git';
import { planReleaseBranch } from './release-branch.js';

let tmp: string | undefined;
afterEach(async () => {
  if (tmp) await removeTempDir(tmp);
  tmp = undefined;
});

async function clone() {
  tmp = await makeTempDir('plumbing-branch-');
  const [a, b] = await makeGitRepo(join(tmp, 'seed'), [
    { files: { a: 'a' }, message: 'a' },
    { files: { b: 'b' }, message: 'b' },
  ]);
  await git(tmp, ['clone', '--quiet', '--bare', join(tmp, 'seed'), join(tmp, 'remote.git')]);
  await git(tmp, ['clone', '--quiet', join(tmp, 'remote.git'), join(tmp, 'work')]);
  return { work: join(tmp, 'work'), a: a!, b: b! };
}

describe('cutting a release branch (real git repositories)', () => {
  it('plans release-vX.Y.x from a commit, then finds it cut the second time (safe to run twice)', async () => {
    const { work, a } = await clone();
    const g = new Git(work);
    const first = await planReleaseBranch(g, { version: 'v0.3.0', commit: a, pattern: 'release-v*', remote: 'origin' });
    expect(first).toMatchObject({ branch: 'release-v0.3.x', action: 'create', commit: a });
    await git(work, ['push', '--quiet', 'origin', `${a}:refs/heads/release-v0.3.x`]);
    await git(work, ['fetch', '--quiet', 'origin']);
    expect(await planReleaseBranch(g, { version: 'v0.3.0', commit: a, pattern: 'release-v*', remote: 'origin' })).toMatchObject({ action: 'exists' });
  });

  it('never moves an existing branch that lacks the commit', async () => {
    const { work, a, b } = await clone();
    await git(work, ['push', '--quiet', 'origin', `${a}:refs/heads/release-v0.3.x`]);
    await git(work, ['fetch', '--quiet', 'origin']);
    await expect(planReleaseBranch(new Git(work), { version: 'v0.3.0', commit: b, pattern: 'release-v*', remote: 'origin' })).rejects.toMatchObject({ code: 'RELEASE_BRANCH_CONFLICT' });
  });
});
