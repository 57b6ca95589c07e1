#!/usr/bin/env node
// Cuts the release branch of a version's line (release-vX.Y.x) from a commit of the default
// branch. Dry run by default; --apply pushes it. Safe to run twice: an existing branch that
// contains the commit is left alone, one that does not is refused (never moved).
//
//   scripts/cut-release-branch.mjs --version v0.3.0 [--commit REF] [--project P] [--apply]
//
// Thin: the decision is planReleaseBranch in @plumbing/release (tested there).
import { $, argv } from 'zx';
import { Git } from '@plumbing/git';
import { loadReleaseConfig, planReleaseBranch } from '@plumbing/release';

$.verbose = false;
if (argv.help || !argv.version) {
  console.log('usage: scripts/cut-release-branch.mjs --version vX.Y.0 [--commit REF] [--project NAME] [--apply]');
  process.exit(argv.help ? 0 : 2);
}
const root = (await $`git rev-parse --show-toplevel`).stdout.trim();
const config = loadReleaseConfig(root, argv.project);
await $({ cwd: root })`git fetch --quiet ${config.remote}`;
const plan = await planReleaseBranch(new Git(root), { version: String(argv.version), commit: String(argv.commit ?? 'HEAD'), pattern: config.releaseBranches, remote: config.remote });
console.log(`${plan.action === 'create' ? (argv.apply ? 'create' : 'would create') : 'exists'}: ${plan.detail}`);
if (plan.action === 'create') {
  if (!argv.apply) {
    console.log('dry run: pass --apply to push the branch');
  } else {
    await $({ cwd: root })`git push ${config.remote} ${`${plan.commit}:refs/heads/${plan.branch}`}`;
    await $({ cwd: root })`git fetch --quiet ${config.remote}`;
    console.log(`pushed ${config.remote}/${plan.branch} at ${plan.commit.slice(0, 7)}`);
  }
}
