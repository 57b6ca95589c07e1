// npm run bench:images (also run by npm run bench:run) — what steps in container images cost:
// 1. a cold pull + unpack of a ~50 MB image from a loopback registry (crane registry serve) by
//    plumbing, against `crane export IMAGE - | tar -x` (go-containerregistry's own client);
// 2. a warm start of a step in the cached image, as the executor runs it (the image resolved once
//    per run; per step: take the overlay mounted ahead in the run's image namespace, nsenter +
//    bwrap, hand the overlay back to be unmounted and removed in the background) against
//    `sh -c true` directly (the floor), and against the same launch with the overlay mounted by a
//    `mount` process on the step's path and removed after it (the previous version), in the same run.
// Uses the built dist of @plumbing/oci and @plumbing/test-utils.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compressLayer, ensureCrane, pushImage, startRegistry, staticBusybox, tarLayer } from '@plumbing/test-utils';
import { detectImageSandbox, ImageNamespace, imageArgv, localImage, pullImage, removeTree } from '../dist/index.js';

const TARGETS = { coldRatio: 1.5, warmOverheadMs: 20 };
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 60);

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const row = (what, figure, note = '') => console.log(`  ${what.padEnd(52)} ${figure.padStart(11)}  ${note}`);
const verdict = (ok) => (ok ? 'met' : 'NOT met');

function exec(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}: ${err}`))));
  });
}

/** CPU time of this process's finished children (cutime + cstime of /proc/self/stat, ms): on a loaded machine, wall time is noisy. */
function childrenCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/** CPU time of a live process and its finished children (the image namespace's holder and its mounts), ms. */
function processCpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

async function best(fn) {
  let winner = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEAT; i++) winner = Math.min(winner, await fn());
  return winner;
}

/** ~50 MB compressed over 3 layers: busybox, 1200 incompressible files, 1200 text files. */
async function benchImage(registry) {
  const busybox = readFileSync(staticBusybox());
  const base = compressLayer(await tarLayer([{ path: 'bin/' }, { path: 'bin/busybox', content: busybox, mode: 0o755 }, { path: 'bin/sh', type: 'link', linkname: 'bin/busybox' }, { path: 'bin/true', type: 'link', linkname: 'bin/busybox' }]));
  const binary = Array.from({ length: 1200 }, (_, i) => ({ path: `opt/data/d${i % 40}/blob-${i}.bin`, content: randomBytes(32 * 1024 + (i % 7) * 1024) }));
  const words = 'the quick brown fox jumps over the lazy dog while plumbing pulls layers '.repeat(200);
  const text = Array.from({ length: 1200 }, (_, i) => ({ path: `usr/share/doc/p${i % 60}/file-${i}.txt`, content: `${i}\n${words}${randomBytes(2048).toString('hex')}\n` }));
  const layers = [base, compressLayer(await tarLayer(binary)), compressLayer(await tarLayer(text))];
  const pushed = await pushImage({ registry: registry.url, repository: 'bench/big', tag: 'v1', layers, config: { Entrypoint: ['/bin/true'] } });
  return { ref: `${registry.host}/bench/big:v1`, size: layers.reduce((n, l) => n + l.blob.length, 0), digest: pushed.digest };
}

const crane = await ensureCrane();
const registry = await startRegistry(crane);
try {
  const image = await benchImage(registry);
  console.log(`\nimages: cold pull + unpack of ${(image.size / 1048576).toFixed(1)} MB (3 layers, 2400 files) from a loopback registry`);
  const craneMs = await best(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-crane-'));
    const t0 = performance.now();
    await exec('sh', ['-c', `"${crane}" export "${image.ref}" - | tar -x -C "${dir}"`]);
    const ms = performance.now() - t0;
    rmSync(dir, { recursive: true, force: true });
    return ms;
  });
  row('baseline: crane export IMAGE - | tar -x', fmt(craneMs));
  const plumbingMs = await best(async () => {
    const cache = mkdtempSync(join(tmpdir(), 'bench-oci-'));
    const t0 = performance.now();
    await pullImage(image.ref, { cache, credentials: new Map() });
    const ms = performance.now() - t0;
    rmSync(cache, { recursive: true, force: true });
    return ms;
  });
  const ratio = plumbingMs / craneMs;
  row('plumbing pull (verify, store blobs, unpack)', fmt(plumbingMs), `×${ratio.toFixed(2)} of crane, target ≤ ${TARGETS.coldRatio}: ${verdict(ratio <= TARGETS.coldRatio)}`);

  const sandbox = await detectImageSandbox();
  console.log(`\nimages: warm start of a step in the cached image (${WARM_ROUNDS} rounds, each: the floor, a step now, a step as before, one after the other)`);
  console.log(`  (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: interleaved, the three see the same load; medians of wall time, CPU time summed)`);
  // node forks itself for every spawn: the floor and each step grow with this process's memory
  console.log(`  (this process: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB resident)`);
  if (!sandbox.available) {
    row('step in the image', 'skipped', sandbox.reason);
  } else {
    const cache = mkdtempSync(join(tmpdir(), 'bench-oci-warm-'));
    await pullImage(image.ref, { cache, credentials: new Map() });
    // as StepImages does: the image is looked up once per run, not per step
    const img = await localImage(image.ref, cache);
    const opts = { uid: 0, gid: 0, mounts: [], cwd: '/', argv: imageArgv(img.config, undefined, undefined, image.ref) };
    const ns = await ImageNamespace.start(sandbox.tools);
    // the previous version: a `mount` process per overlay (the sh holder), on the step's path, and the removal after the step
    const { perl: _perl, ...shTools } = sandbox.tools;
    const onPath = await ImageNamespace.start(shTools, { mountAhead: false });
    const variants = {
      floor: { holder: undefined, run: () => exec('sh', ['-c', 'true']) },
      now: {
        holder: ns,
        run: async () => {
          const overlay = await ns.overlay(img.rootfs);
          const cmd = ns.stepCommand(overlay, opts);
          await exec(cmd.file, cmd.args);
          ns.release(overlay);
        },
      },
      before: {
        holder: onPath,
        run: async () => {
          const overlay = await onPath.overlay(img.rootfs);
          const cmd = onPath.stepCommand(overlay, opts);
          await exec(cmd.file, cmd.args);
          await removeTree(overlay.scratch);
          onPath.release(overlay);
        },
      },
    };
    const walls = { floor: [], now: [], before: [], overhead: [] };
    const cpu = { floor: 0, now: 0, before: 0 };
    for (let i = 0; i < WARM_ROUNDS; i++) {
      for (const [name, v] of Object.entries(variants)) {
        const c0 = childrenCpuMs() + (v.holder ? processCpuMs(v.holder.pid) : 0);
        const t0 = performance.now();
        await v.run();
        walls[name].push(performance.now() - t0);
        cpu[name] += childrenCpuMs() + (v.holder ? processCpuMs(v.holder.pid) : 0) - c0;
      }
      walls.overhead.push(walls.now[i] - walls.floor[i]);
    }
    const c0 = childrenCpuMs() + processCpuMs(ns.pid);
    await ns.close();
    cpu.now += childrenCpuMs() - c0; // the last batch of unmounts and removals
    await onPath.close();
    const m = Object.fromEntries(Object.entries(walls).map(([k, v]) => [k, median(v)]));
    const perStep = (k) => cpu[k] / WARM_ROUNDS;
    row('floor: sh -c true', fmt(m.floor), `${fmt(perStep('floor'))} CPU/step`);
    row('step in the image (overlay, nsenter+bwrap, release)', fmt(m.now), `${fmt(perStep('now'))} CPU/step (holder and cleanup included)`);
    row('  overhead per step (median of step − floor, wall)', fmt(m.overhead), `×${(m.now / m.floor).toFixed(2)} of the floor, target ≤ ${TARGETS.warmOverheadMs} ms: ${verdict(m.overhead <= TARGETS.warmOverheadMs)}`);
    row('  overhead per step (CPU)', fmt(perStep('now') - perStep('floor')));
    row("before: mount process + removal on the step's path", fmt(m.before), `${fmt(perStep('before'))} CPU/step, overhead ${fmt(m.before - m.floor)}`);
    console.log(`  (load average ${loadavg()[0].toFixed(1)} at the end)`);
    rmSync(cache, { recursive: true, force: true });
  }
} finally {
  await registry.stop();
}
