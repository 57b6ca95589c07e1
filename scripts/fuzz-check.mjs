#!/usr/bin/env node
// Long fuzz runs of `plumbing check`: seeded mutants of the repository's own YAML (see
// fuzzInputs in @plumbing/test-utils), checked in batches with --format json. Reports every
// INTERNAL_ERROR, crash, invalid JSON and batch slower than --slow seconds, and the figures.
//
//   npm run fuzz:check -- [--count 3000] [--seed 6] [--batch 100] [--slow 10]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, argv } from 'zx';
import { fuzzInputs } from '@plumbing/test-utils';

$.verbose = false;
if (argv.help) {
  console.log('usage: npm run fuzz:check -- [--count 3000] [--seed 6] [--batch 100] [--slow 10]');
  process.exit(0);
}
const count = Number(argv.count ?? 3000);
const batch = Number(argv.batch ?? 100);
const slow = Number(argv.slow ?? 10);
const root = (await $`git rev-parse --show-toplevel`).stdout.trim();
const files = (await $({ cwd: root })`git ls-files -- tasks/*.yaml pipelines/*.yaml clusters/*.yaml`).stdout.split('\n').filter(Boolean);
const bases = Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
const inputs = fuzzInputs(bases, count, Number(argv.seed ?? 6));
const problems = [];
let findings = 0;
const t0 = Date.now();
for (let i = 0; i < inputs.length; i += batch) {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-fuzz-'));
  mkdirSync(join(dir, '.git'));
  for (const input of inputs.slice(i, i + batch)) writeFileSync(join(dir, input.name), input.bytes);
  const b0 = Date.now();
  const r = await $({ cwd: dir, nothrow: true })`node ${join(root, 'packages/cli/bin/plumbing.js')} check --format json --no-cache`;
  const seconds = (Date.now() - b0) / 1000;
  if (r.exitCode !== 0 && r.exitCode !== 1) problems.push(`batch ${i}: exit ${r.exitCode}: ${r.stderr.slice(0, 300)}`);
  try {
    const list = JSON.parse(r.stdout);
    findings += list.length;
    for (const f of list.filter((f) => f.code === 'INTERNAL_ERROR')) problems.push(`INTERNAL_ERROR ${f.file}: ${f.message}`);
  } catch {
    problems.push(`batch ${i}: stdout is not JSON (${r.stdout.length} bytes)`);
  }
  if (seconds > slow) problems.push(`batch ${i}: ${seconds.toFixed(1)} s for ${batch} files`);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${inputs.length} mutants, ${findings} findings, ${((Date.now() - t0) / 1000).toFixed(0)} s; problems: ${problems.length}`);
for (const p of problems) console.log(`  ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
