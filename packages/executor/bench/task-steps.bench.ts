/**
 * Per-step overhead of the TaskRun engine: a Task of 200 `true` steps, with bubblewrap and
 * without. Targets: <= 15 ms per step sandboxed, <= 5 ms unsandboxed. Run:
 * `npx vitest bench --run bench/task-steps.bench.ts` (figures, never an assertion).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Step } from '@plumbing/model';
import { bench, describe } from 'vitest';
import type { TaskRunRequest } from '../src/contracts.js';
import { executeTaskRun } from '../src/taskrun/task-run.js';

const STEPS = 200;

/** CPU ms used by this process and its waited-for children (the machine is shared: wall time is noisy). */
function cpuMs(): number {
  const self = process.cpuUsage();
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const children = (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime, 100 Hz ticks
  return (self.user + self.system) / 1000 + children;
}

async function measure(label: string, fn: () => Promise<void>): Promise<void> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  console.log(`${label}: ${(wall / STEPS).toFixed(2)} ms wall, ${(cpu / STEPS).toFixed(2)} ms CPU per step`);
}

const spawnTrue = (file: string, args: string[]) =>
  new Promise<void>((resolve) => {
    const c = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    c.stdout.resume();
    c.stderr.resume();
    c.on('close', () => resolve());
  });

describe('floor: raw spawns of `true` from this process', () => {
  bench('spawn /usr/bin/true', () => measure('floor spawn', async () => {
    for (let i = 0; i < STEPS; i++) await spawnTrue('/usr/bin/true', []);
  }), { iterations: 2, warmupIterations: 0, time: 0 });
  bench('spawn bwrap true', () => measure('floor bwrap', async () => {
    for (let i = 0; i < STEPS; i++) await spawnTrue('/usr/bin/bwrap', ['--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--unshare-pid', '--', '/usr/bin/true']);
  }), { iterations: 2, warmupIterations: 0, time: 0 });
});

function request(logDir: string, kind: 'command' | 'script'): TaskRunRequest {
  const steps: Step[] = Array.from({ length: STEPS }, (_, i) =>
    kind === 'command' ? { name: `s${i}`, image: 'busybox', command: ['true'] } : { name: `s${i}`, image: 'alpine', script: 'true' },
  );
  return {
    name: 'bench',
    namespace: 'default',
    uid: 'uid',
    spec: { steps },
    params: [],
    workspaces: [],
    retryCount: 0,
    labels: {},
    annotations: {},
    logDir,
    signal: new AbortController().signal,
  };
}

for (const kind of ['command', 'script'] as const) {
  describe(`${STEPS} \`true\` steps (${kind})`, () => {
    for (const sandbox of [true, false]) {
      bench(
        sandbox ? 'bubblewrap' : 'unsandboxed',
        async () => {
          const dir = await mkdtemp(join(tmpdir(), 'plumbing-bench-'));
          await measure(`${kind} ${sandbox ? 'bubblewrap' : 'unsandboxed'}`, async () => {
            const status = await executeTaskRun(request(dir, kind), { sandbox });
            if (status.conditions[0]?.status !== 'True') throw new Error(status.conditions[0]?.message);
          });
          await rm(dir, { recursive: true, force: true });
        },
        { iterations: 2, warmupIterations: 1, time: 0 },
      );
    }
  });
}
