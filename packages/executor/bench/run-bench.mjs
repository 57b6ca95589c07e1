// npm run bench:run — what plumbing run costs on top of running the same scripts with sh.
// Uses the built dist (npx tsc -p tsconfig.build.json in packages/model and packages/executor).
// Goes through the same path as `plumbing run -f` (load, check, bind, engines, records), without the printing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { executePipelineRun, executeRuns, executeTaskRun, loadRunsFromFiles } from '../dist/index.js';

const engines = { executeTaskRun, executePipelineRun };
const IMAGE = 'docker.io/library/alpine:3.20';
const TARGETS = { stepBwrapMs: 15, stepNoSandboxMs: 5, fanOutRatio: 0.6 };
/** Each figure is the best of REPEAT runs: the least disturbed by other work on the machine. */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/**
 * CPU time of this process's finished children (cutime + cstime of /proc/self/stat, Linux; in ms),
 * next to process.cpuUsage() for the engine itself: on a loaded machine wall time is noisy, CPU
 * time shows where the time goes.
 */
const CLK_MS = 10; // USER_HZ = 100 on Linux
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) * CLK_MS;
}
async function withCpu(fn) {
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return { ...r, engineCpuMs: (c.user + c.system) / 1000, childCpuMs: childrenCpuMs() - k0 };
}

async function best(fn) {
  let winner;
  for (let i = 0; i < REPEAT; i++) {
    const r = await fn();
    if (!winner || r.ms < winner.ms) winner = r;
  }
  return winner;
}

function repo(yaml) {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-bench-'));
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'run.yaml'), yaml);
  return root;
}

/** Runs the file's runs like plumbing run does; returns wall ms and the outcomes. */
async function plumbingRun(yaml, { sandbox, parallel }) {
  const root = repo(yaml);
  const t0 = performance.now();
  const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`bench input invalid: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`);
  // Task times as the events arrive (the statuses carry Tekton's whole-second times).
  const taskTimes = new Map();
  const onEvent = (_run, e) => {
    if (e.type === 'taskrun-start') taskTimes.set(e.taskRun, { start: performance.now() });
    if (e.type === 'taskrun-end') taskTimes.get(e.taskRun).end = performance.now();
  };
  const outcomes = await executeRuns(plan, engines, { signal: new AbortController().signal, sandbox, parallel, onEvent });
  const ms = performance.now() - t0;
  outcomes.taskSumMs = [...taskTimes.values()].reduce((a, t) => a + (t.end - t.start), 0);
  for (const o of outcomes) {
    const c = o.status.conditions.find((x) => x.type === 'Succeeded');
    if (c?.status !== 'True') throw new Error(`${o.run.name}: ${c?.reason} ${c?.message}`);
  }
  rmSync(root, { recursive: true, force: true });
  return { ms, outcomes };
}

function sh(script, cwd) {
  return new Promise((res, rej) => {
    const p = spawn('sh', ['-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.resume();
    p.stderr.resume();
    p.on('close', (c) => (c === 0 ? res() : rej(new Error(`sh exited ${c}`))));
  });
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const row = (label, value, note = '') => console.log(`  ${label.padEnd(44)} ${value.padStart(12)}  ${note}`);
const verdict = (ok) => (ok ? 'OK' : 'MISSED');

// 1. Per-step overhead: one Task of 200 steps running `true`.
const STEPS = 200;
const manySteps = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: many-steps
spec:
  taskSpec:
    steps:
${Array.from({ length: STEPS }, (_, i) => `      - name: s${i}\n        image: ${IMAGE}\n        script: "true"\n`).join('')}`;

console.log(`plumbing run benchmark (${availableParallelism()} cores, node ${process.version}; best of ${REPEAT}, BENCH_REPEAT=n to change)\n`);
console.log(`1. per-step overhead: a Task of ${STEPS} steps running true`);
const floorRun = await best(() =>
  withCpu(async () => ({
    ms: await timed(async () => {
      for (let i = 0; i < STEPS; i++) await sh('true');
    }),
  })),
);
const floorSteps = floorRun.ms;
// The fixed cost of a run (load and check the files, records, one step) is measured apart with a
// one-step Task, so that the per-step figure is (T200 - T1) / 199 minus the floor's sh per step.
const oneStep = manySteps.replace(/(\n {6}- name: s1\n[\s\S]*)$/, '\n');
const plain1 = await best(() => plumbingRun(oneStep, { sandbox: false }));
const bwrap1 = await best(() => plumbingRun(oneStep, { sandbox: true }));
const plain = await best(() => withCpu(() => plumbingRun(manySteps, { sandbox: false })));
const sandboxed = await best(() => withCpu(() => plumbingRun(manySteps, { sandbox: true })));
const floorPerStep = floorSteps / STEPS;
// the measure the targets are set on: (plumbing wall − sh floor) / steps, fixed cost included
const perStepPlain = (plain.ms - floorSteps) / STEPS;
const perStepBwrap = (sandboxed.ms - floorSteps) / STEPS;
// the same without the run's fixed cost (load, check, records): (T200 − T1) / 199 − floor per step
const marginalPlain = (plain.ms - plain1.ms) / (STEPS - 1) - floorPerStep;
const marginalBwrap = (sandboxed.ms - bwrap1.ms) / (STEPS - 1) - floorPerStep;
const cpu = (r) => `cpu: engine ${fmt(r.engineCpuMs)}, children ${fmt(r.childCpuMs)}`;
row('floor: sh -c true, 200 times', fmt(floorSteps), `${fmt(floorPerStep)}/step; children cpu ${fmt(floorRun.childCpuMs)}`);
row('plumbing run --no-sandbox, 1 step', fmt(plain1.ms), 'fixed cost: load, check, records');
row('plumbing run --no-sandbox, 200 steps', fmt(plain.ms), `×${(plain.ms / floorSteps).toFixed(1)} of the floor; ${cpu(plain)}`);
row('plumbing run (bubblewrap), 1 step', fmt(bwrap1.ms));
row('plumbing run (bubblewrap), 200 steps', fmt(sandboxed.ms), `×${(sandboxed.ms / floorSteps).toFixed(1)} of the floor; ${cpu(sandboxed)}`);
row('overhead per step, no sandbox (run−floor)/200', fmt(perStepPlain), `target ≤ ${TARGETS.stepNoSandboxMs} ms: ${verdict(perStepPlain <= TARGETS.stepNoSandboxMs)}; ratio run/floor ${(plain.ms / floorSteps).toFixed(2)}`);
row('overhead per step, bubblewrap (run−floor)/200', fmt(perStepBwrap), `target ≤ ${TARGETS.stepBwrapMs} ms: ${verdict(perStepBwrap <= TARGETS.stepBwrapMs)}; ratio run/floor ${(sandboxed.ms / floorSteps).toFixed(2)}`);
row('  without the fixed cost, no sandbox', fmt(marginalPlain), '(T200 − T1)/199 − floor/step');
row('  without the fixed cost, bubblewrap', fmt(marginalBwrap), '(T200 − T1)/199 − floor/step');
row('  engine cpu per step, no sandbox / bwrap', `${fmt(plain.engineCpuMs / STEPS)} / ${fmt(sandboxed.engineCpuMs / STEPS)}`, 'process.cpuUsage of this process');

// 2. Fan-out: 50 independent one-step tasks sleeping 0.2 s.
const FAN = 50;
const fanOut = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: fan-out
spec:
  pipelineSpec:
    tasks:
${Array.from({ length: FAN }, (_, i) => `      - name: t${i}\n        taskSpec:\n          steps:\n            - name: nap\n              image: ${IMAGE}\n              script: sleep 0.2\n`).join('')}`;


console.log(`\n2. fan-out: a Pipeline of ${FAN} independent one-step tasks sleeping 0.2 s`);
const floorFan = (await best(async () => ({ ms: await timed(() => Promise.all(Array.from({ length: FAN }, () => sh('sleep 0.2')))) }))).ms;
row(`floor: ${FAN} × sh -c "sleep 0.2" at once`, fmt(floorFan));
for (const parallel of [FAN, availableParallelism()]) {
  const r = await best(() => plumbingRun(fanOut, { sandbox: false, parallel }));
  const sum = r.outcomes.taskSumMs;
  const ratio = r.ms / sum;
  row(`--parallel ${parallel}: wall`, fmt(r.ms), `×${(r.ms / floorFan).toFixed(1)} of the floor`);
  row(`--parallel ${parallel}: sum of the tasks' times`, fmt(sum), `wall/sum ${ratio.toFixed(2)}, target ≤ ${TARGETS.fanOutRatio}: ${verdict(ratio <= TARGETS.fanOutRatio)}`);
}

// 3. Chain: 20 tasks, each passing a result to the next.
const CHAIN = 20;
const chain = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: chain
spec:
  pipelineSpec:
    results:
      - name: last
        value: $(tasks.c${CHAIN - 1}.results.n)
    tasks:
${Array.from({ length: CHAIN }, (_, i) => {
  const input = i === 0 ? '"0"' : `"$(tasks.c${i - 1}.results.n)"`;
  return `      - name: c${i}
        params:
          - name: in
            value: ${input}
        taskSpec:
          params:
            - name: in
          results:
            - name: n
          steps:
            - name: add
              image: ${IMAGE}
              env:
                - name: IN
                  value: $(params.in)
              script: echo -n $((IN + 1)) > $(results.n.path)
`;
}).join('')}`;

console.log(`\n3. chain: ${CHAIN} tasks, each passing a result to the next`);
const chainDir = mkdtempSync(join(tmpdir(), 'plumbing-bench-chain-'));
const floorChain = (
  await best(async () => ({
    ms: await timed(async () => {
      writeFileSync(join(chainDir, 'n'), '0');
      for (let i = 0; i < CHAIN; i++) await sh('IN=$(cat n); echo -n $((IN + 1)) > n', chainDir);
    }),
  }))
).ms;
rmSync(chainDir, { recursive: true, force: true });
const chained = await best(() => plumbingRun(chain, { sandbox: false }));
const last = chained.outcomes[0].status.results.find((r) => r.name === 'last')?.value;
row(`floor: ${CHAIN} sh scripts through a file`, fmt(floorChain));
row('plumbing run --no-sandbox', fmt(chained.ms), `×${(chained.ms / floorChain).toFixed(1)} of the floor; ${fmt((chained.ms - floorChain) / CHAIN)}/task overhead; last result ${last}`);
const chainedBwrap = await best(() => plumbingRun(chain, { sandbox: true }));
row('plumbing run (bubblewrap)', fmt(chainedBwrap.ms), `×${(chainedBwrap.ms / floorChain).toFixed(1)} of the floor; ${fmt((chainedBwrap.ms - floorChain) / CHAIN)}/task overhead`);
