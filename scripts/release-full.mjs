#!/usr/bin/env node
// A full release, the way maintainers run it: the plan and every pre-release check first
// (plumbing release full --dry-run), and the release itself only when the plan is not refused.
// Safe to run twice: plumbing release converges (done steps are verified and skipped).
//
//   scripts/release-full.mjs --version v0.3.1 [--project P] [--publish] [--dry-run]
//                            [--backend cluster --context dogfooding]
//
// Thin: all the logic is in @plumbing/release behind `plumbing release`.
import { $, argv } from 'zx';

if (argv.help || !argv.version) {
  console.log('usage: scripts/release-full.mjs --version vX.Y.Z [--project NAME] [--publish] [--dry-run] [--backend local|cluster] [--context NAME]');
  process.exit(argv.help ? 0 : 2);
}
const args = ['--version', String(argv.version)];
if (argv.project) args.push('--project', String(argv.project));
if (argv.backend) args.push('--backend', String(argv.backend));
if (argv.context) args.push('--context', String(argv.context));
if (argv.publish) args.push('--publish');

$.verbose = true;
const plan = await $`npx plumbing release full ${args} --dry-run`.nothrow();
if (plan.exitCode !== 0) {
  console.error(`the release plan was refused (exit ${plan.exitCode}): see the checks above, each with the way forward`);
  process.exit(plan.exitCode ?? 1);
}
if (argv['dry-run']) process.exit(0);
await $`npx plumbing release full ${args}`;
