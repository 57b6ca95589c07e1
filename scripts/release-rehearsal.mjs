#!/usr/bin/env node
// A rehearsal of this repository's releases end to end, on this machine, touching nothing real:
// a temporary clone (with a bare copy as its origin, holding main and release-vX.Y.x), the local
// server speaking GitHub's REST protocol (@plumbing/test-utils, CI reported green), the file://
// bucket of the clone, and the real release pipeline on the embedded executor. It runs a nightly
// and its re-run, then a full release and its re-run, and prints what GitHub saw.
//
//   scripts/release-rehearsal.mjs [--version v0.1.0] [--publish] [--with-tests] [--keep] [--dry-run]
//
// --dry-run prints the two plans only. Safe to run twice (each run has its own temp dir).
// Thin: the logic is in @plumbing/release behind `plumbing release`.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, argv } from 'zx';

if (argv.help) {
  console.log('usage: scripts/release-rehearsal.mjs [--version vX.Y.Z] [--publish] [--with-tests] [--keep] [--dry-run]');
  process.exit(0);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'bin', 'plumbing.js');
const version = String(argv.version ?? 'v0.1.0');
const line = /^v(\d+)\.(\d+)\./.exec(version);
if (!line) {
  console.error(`--version ${version} is not vX.Y.Z`);
  process.exit(2);
}
const { startGitHubServer } = await import('@plumbing/test-utils');
const { loadReleaseConfig } = await import('@plumbing/release');
const repository = (() => {
  const c = loadReleaseConfig(root, argv.project ? String(argv.project) : undefined);
  return `${c.owner}/${c.repo}`;
})();

const tmp = await mkdtemp(join(tmpdir(), 'plumbing-release-rehearsal-'));
const gh = await startGitHubServer({ repos: [repository] });
try {
  const remote = join(tmp, 'remote.git');
  const work = join(tmp, 'work');
  await $`git clone --quiet --bare ${root} ${remote}`;
  await $`git clone --quiet ${remote} ${work}`;
  const sha = (await $({ cwd: work })`git rev-parse HEAD`).stdout.trim();
  await $({ cwd: work })`git push --quiet origin ${`HEAD:refs/heads/release-v${line[1]}.${line[2]}.x`}`;
  await $({ cwd: work })`git fetch --quiet origin`;
  gh.state.addStatus(repository, sha, { state: 'success', context: 'ci' });

  const env = { ...process.env, GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url };
  const run = async (args) => {
    console.log(`\n$ plumbing ${args.join(' ')}`);
    const r = await $({ cwd: work, env, verbose: true })`node ${cli} ${args}`.nothrow();
    if (r.exitCode !== 0) throw new Error(`plumbing ${args.join(' ')} exited ${r.exitCode}`);
  };
  const extra = argv['with-tests'] ? ['--with-tests'] : [];
  const full = ['release', 'full', '--version', version, ...(argv.publish ? ['--publish'] : []), ...extra];
  if (argv['dry-run']) {
    await run(['release', 'nightly', '--dry-run', ...extra]);
    await run([...full, '--dry-run']);
  } else {
    await run(['release', 'nightly', ...extra]);
    await run(['release', 'nightly', ...extra]);
    await run(full);
    await run(full);
  }
  console.log(`\nrehearsal of ${repository} at ${sha.slice(0, 7)} in ${work}`);
  const bucket = join(work, '.plumbing', 'bucket');
  const objects = (await readdir(bucket, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(bucket.length + 1));
  console.log(`bucket ${bucket}:\n${objects.sort().map((o) => `  ${o}`).join('\n') || '  (empty)'}`);
  const releases = gh.state.repo(repository).releases;
  console.log(`GitHub releases:\n${releases.map((r) => `  ${r.tagName} draft=${r.draft} prerelease=${r.prerelease} assets=${r.assets.map((a) => a.name).join(',')}`).join('\n') || '  (none)'}`);
  const writes = gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  console.log(`GitHub write requests (${writes.length}):\n${writes.map((w) => `  ${w}`).join('\n')}`);
} finally {
  await gh.close();
  if (!argv.keep) await rm(tmp, { recursive: true, force: true });
}
