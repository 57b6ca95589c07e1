// npm run bench:check — wall time, peak RSS and files/s of `plumbing check` over a synthetic
// repository (1,000 Tasks, 200 Pipelines, 200 PipelineRuns, Triggers), against the floor: a
// process that only reads and parses the same files with the yaml library. Then twice the size.
// The same trees are linted by @ibm/tekton-lint in the same run, and the ratio printed. Then single
// pathological files (2 MB, an alias bomb): time per size and the number of findings.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBigFiles } from './big-files.mjs';
import { generateRepo } from './gen-repo.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);

function measure(script, dir, ...args) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(here, script), dir, ...args], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && script === 'parse-floor.mjs') throw new Error(r.stderr);
    last = JSON.parse(r.stderr.trim().split('\n').pop());
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], ...last };
}

execFileSync('npx', ['tsc', '-p', join(here, '../tsconfig.build.json')], { stdio: 'inherit' });
const rows = [];
for (const scale of [1, 2]) {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-bench-'));
  const files = generateRepo(dir, scale);
  const floor = measure('parse-floor.mjs', dir);
  // cold: every file parsed (--no-cache); warm: the parse cache of the previous run, nothing changed
  const check = measure('check-once.mjs', dir, '--no-cache');
  const warm = measure('check-once.mjs', dir);
  const tektonLint = measure('tekton-lint-once.mjs', dir);
  rows.push({ scale, files, floor, check, warm, tektonLint });
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => n.toFixed(0).padStart(6);
console.log(`plumbing check benchmark (median of ${runs} runs, each a fresh node process)\n`);
console.log('size  files   cold ms  warm ms  floor ms  cold/floor  warm/floor  cold RSS MB  cold files/s  findings');
for (const r of rows) {
  console.log(
    `${`${r.scale}x`.padEnd(5)} ${String(r.files).padStart(5)}  ${fmt(r.check.ms)}   ${fmt(r.warm.ms)}   ${fmt(r.floor.ms)}      ${(r.check.ms / r.floor.ms).toFixed(2)}        ${(r.warm.ms / r.floor.ms).toFixed(2)}     ${fmt(r.check.maxRssKb / 1024)}        ${fmt(r.files / (r.check.ms / 1000))}   ${r.check.findings}`,
  );
}
console.log('cold: plumbing check --no-cache (every file parsed); warm: plumbing check with its parse cache, no file changed');
console.log('\nagainst @ibm/tekton-lint (same tree, same run; target: check at most 0.5x its wall time)');
for (const r of rows) {
  console.log(
    `${r.scale}x: check cold ${r.check.ms.toFixed(0)} ms (${r.check.findings} findings), tekton-lint ${r.tektonLint.ms.toFixed(0)} ms (${r.tektonLint.findings} findings), ratio ${(r.check.ms / r.tektonLint.ms).toFixed(2)}`,
  );
}
// A real tree too (e.g. a tektoncd/catalog checkout): BENCH_TREE=/path npm run bench:check
if (process.env.BENCH_TREE) {
  const check = measure('check-once.mjs', process.env.BENCH_TREE, '--no-cache');
  const tl = measure('tekton-lint-once.mjs', process.env.BENCH_TREE);
  console.log(`${process.env.BENCH_TREE}: check cold ${check.ms.toFixed(0)} ms, tekton-lint ${tl.ms.toFixed(0)} ms, ratio ${(check.ms / tl.ms).toFixed(2)}`);
}
// One file at a time: time roughly linear in its size (target: a 2 MB file in under 5 s), bounded alias expansion.
const bigRoot = mkdtempSync(join(tmpdir(), 'plumbing-bench-big-'));
console.log('\nsingle pathological files (cold, --no-cache; target: 2 MB in under 5 s, an alias bomb gives one finding)');
for (const c of writeBigFiles(bigRoot, join(here, '../../..'))) {
  const r = measure('check-once.mjs', c.dir, '--no-cache');
  console.log(`${c.name.padEnd(32)} ${(c.bytes / 1024 / 1024).toFixed(2)} MB  ${r.ms.toFixed(0).padStart(6)} ms wall  ${String(r.cpuMs).padStart(6)} ms CPU  ${(r.maxRssKb / 1024).toFixed(0).padStart(4)} MB RSS  ${r.findings} findings`);
}
rmSync(bigRoot, { recursive: true, force: true });
const [a, b] = rows;
const growth = b.check.ms / a.check.ms;
console.log(`\ntime growth at 2x size: ${growth.toFixed(2)}x (target: at most 2x)`);
console.log(`base size, cold: ${a.check.ms.toFixed(0)} ms (target ≤1000), ${(a.check.maxRssKb / 1024).toFixed(0)} MB (target ≤200), ratio to parse-only floor ${(a.check.ms / a.floor.ms).toFixed(2)} (target ≤1.5)`);
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores (wall times above include waiting for a core)`);
console.log(`base size, warm: ${a.warm.ms.toFixed(0)} ms, ${(a.warm.maxRssKb / 1024).toFixed(0)} MB, ratio to the floor ${(a.warm.ms / a.floor.ms).toFixed(2)}`);
