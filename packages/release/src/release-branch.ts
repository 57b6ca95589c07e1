import { PlumbingError } from '@plumbing/model';
import type { Git } from '@plumbing/git';
import { fullVersionProblems, releaseBranchFor } from './version.js';

export interface ReleaseBranchPlan {
  branch: string;
  commit: string;
  remote: string;
  /** create: push the commit as the new branch; exists: already cut there (or later), nothing to do. */
  action: 'create' | 'exists';
  detail: string;
}

/**
 * What cutting the release branch of a version's line does: release-vX.Y.x from a commit. Safe to
 * run twice: an existing branch that contains the commit is left alone; one that does not is a
 * conflict (never moved or forced).
 */
export async function planReleaseBranch(git: Git, o: { version: string; commit: string; pattern: string; remote: string }): Promise<ReleaseBranchPlan> {
  const bad = fullVersionProblems(o.version, []);
  if (bad.length) throw new PlumbingError('USAGE', bad[0]!.reason, { exitCode: 2, hint: bad[0]!.hint });
  const commit = await git.revParse(o.commit);
  if (!commit) throw new PlumbingError('USAGE', `no commit ${o.commit}`, { exitCode: 2 });
  const branch = releaseBranchFor(o.pattern, o.version);
  const existing = await git.revParse(`refs/remotes/${o.remote}/${branch}`);
  if (existing) {
    if (await git.isAncestor(commit, existing)) return { branch, commit, remote: o.remote, action: 'exists', detail: `${o.remote}/${branch} exists (at ${existing.slice(0, 7)}) and contains ${commit.slice(0, 7)}: nothing to do` };
    throw new PlumbingError('RELEASE_BRANCH_CONFLICT', `${o.remote}/${branch} exists at ${existing.slice(0, 7)} and does not contain ${commit.slice(0, 7)}`, {
      hint: 'a release branch is never moved: cherry-pick the fixes onto it through pull requests',
    });
  }
  const onDefault = await git.revParse(`refs/remotes/${o.remote}/HEAD`);
  if (onDefault && !(await git.isAncestor(commit, onDefault))) {
    throw new PlumbingError('RELEASE_BRANCH_COMMIT', `${commit.slice(0, 7)} is not on ${o.remote}'s default branch`, { hint: 'cut release branches from a pushed commit of the default branch' });
  }
  return { branch, commit, remote: o.remote, action: 'create', detail: `push ${commit.slice(0, 7)} as ${o.remote}/${branch}` };
}
