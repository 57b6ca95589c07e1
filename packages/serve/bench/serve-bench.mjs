// npm run bench:serve — plumbing serve's intake, queue, status and list paths, measured.
// Uses the built dist of @plumbing/serve and @plumbing/test-utils. The service runs alone on the
// main thread: the HTTP client that signs and sends the deliveries (client-worker.mjs) and the
// local GitHub protocol server that receives the commit statuses over HTTP, as GitHub would
// (github-worker.mjs), each run on a worker thread, so neither is counted on the service's event
// loop or in its thread's CPU. The runs' backend is a no-op that succeeds at once: the figures are
// the service's own cost, not a pipeline's.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openSqlite, startServe, Store } from '@plumbing/serve';
import { Worker } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));
const SECRET = 'bench-secret';
const REPO = 'Codertocat/Hello-World';
const TARGETS = { pendingP95Ms: 1000, listP95Ms: 100, burst200Ms: 10_000 };
const DASHBOARD_700_RUNS_MS = 3000; // tektoncd/dashboard#2035

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;
/** CPU ticks (1/100 s) of this process's main thread (Linux /proc): the service's alone (client and GitHub server are on worker threads). */
const mainThreadTicks = () => {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return Number.NaN;
  }
};

function makeRoot() {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-serve-bench-'));
  cpSync(join(here, '../test/fixtures/bench-repo'), root, { recursive: true });
  mkdirSync(join(root, 'secrets/github-webhook-secret'), { recursive: true });
  writeFileSync(join(root, 'secrets/github-webhook-secret/token'), SECRET);
  return root;
}

let seq = 0;
const shaOf = (n) => n.toString(16).padStart(40, '0');
/** Absolute ms, comparable with the client thread's. */
const now = () => performance.timeOrigin + performance.now();

/** The HTTP client on a worker thread: `send(url, seqs, batch?)` resolves with { sent: Map(sha → t0), answeredAt }. */
function startClient() {
  const worker = new Worker(new URL('./client-worker.mjs', import.meta.url), { workerData: { secret: SECRET } });
  worker.unref();
  let busy = Promise.resolve();
  const send = (url, seqs, batch) => {
    const next = busy.then(
      () =>
        new Promise((resolve, reject) => {
          const onError = (e) => reject(e);
          worker.once('error', onError);
          worker.once('message', (m) => {
            worker.off('error', onError);
            if (m.error) reject(new Error(m.error));
            else resolve({ sent: new Map(m.sent), answeredAt: m.answeredAt });
          });
          worker.postMessage({ url, seqs, batch });
        }),
    );
    busy = next.catch(() => undefined);
    return next;
  };
  return { send, close: () => worker.terminate() };
}
const client = startClient();

/** The local GitHub protocol server on a worker thread: `{ url, token, close() }`. */
async function startGitHubWorker(repos) {
  const worker = new Worker(new URL('./github-worker.mjs', import.meta.url), { workerData: { repos } });
  const { url, token } = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const close = async () => {
    const closed = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage('close');
    await closed;
    await worker.terminate();
  };
  return { url, token, close };
}

async function withService(extra, fn, github = true) {
  const root = makeRoot();
  const gh = await startGitHubWorker([REPO]);
  mkdirSync(join(root, 'secrets/gh'), { recursive: true });
  writeFileSync(join(root, 'secrets/gh/token'), gh.token);
  const cluster = join(root, 'clusters/bench/cluster.yaml');
  const token = github ? `    githubApiUrl: ${gh.url}\n    githubTokenSecret: {secretName: gh, secretKey: token}\n` : '';
  writeFileSync(cluster, `${readFileSync(cluster, 'utf8')}  serve:\n${token}    concurrency: {global: 1000, perRepository: 1000}\n`);
  const backend = async () => ({ state: 'succeeded', reason: 'Succeeded', message: '', status: null, recordDir: '' });
  const svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: join(root, 'secrets'), backend, log: () => {}, ...extra });
  try {
    return await fn(svc, root);
  } finally {
    await svc.close(0);
    await gh.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Sends `n` deliveries at once; per delivery: ms from send to run started, and to the pending status sent to GitHub. */
async function latency(svc, n) {
  const started = new Map();
  const pending = new Map();
  const seqs = Array.from({ length: n }, () => ++seq);
  const expected = new Set(seqs.map(shaOf));
  const onRun = (r) => {
    if (expected.has(r.sha) && r.state === 'running' && !started.has(r.sha)) started.set(r.sha, now());
  };
  // The first status GitHub receives for the run (queued or running: both are GitHub's pending).
  const onReported = (r) => {
    if (expected.has(r.sha) && !pending.has(r.sha)) pending.set(r.sha, now());
  };
  svc.core.events.on('run', onRun);
  svc.core.events.on('reported', onReported);
  const done = new Promise((resolve) => {
    const check = () => {
      if (pending.size >= n && started.size >= n) resolve();
    };
    svc.core.events.on('run', check);
    svc.core.events.on('reported', check);
  });
  const { sent: t0 } = await client.send(svc.url, seqs);
  await done;
  svc.core.events.removeAllListeners();
  const toStart = [...t0].map(([sha, t]) => started.get(sha) - t);
  const toPending = [...t0].map(([sha, t]) => pending.get(sha) - t);
  return { toStart, toPending };
}

async function latencies() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'latency') return;
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`webhook → run started / → pending status sent (client and local GitHub protocol server on worker threads, trust check of the author included), p50 / p95; load average ${load()}:`);
  for (const n of (process.env.BENCH_N ?? '1,10,100').split(',').map(Number)) {
    await withService({}, async (svc) => {
      await latency(svc, 5); // warm-up
      const rounds = n === 1 ? 30 : n === 10 ? 5 : 2;
      const all = { toStart: [], toPending: [] };
      // CPU time per delivery, a figure the machine's load does not move much: the whole process (service, client and GitHub server threads) and the service's main thread alone
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadTicks();
      for (let i = 0; i < rounds; i++) {
        const r = await latency(svc, n);
        all.toStart.push(...r.toStart);
        all.toPending.push(...r.toPending);
      }
      const cpu = process.cpuUsage(cpu0);
      const cpuPer = (cpu.user + cpu.system) / 1000 / (rounds * n);
      const mainPer = ((mainThreadTicks() - main0) * 10) / (rounds * n);
      const p95 = pct(all.toPending, 95);
      console.log(
        `  ${String(n).padStart(3)} concurrent: started ${fmt(pct(all.toStart, 50))} / ${fmt(pct(all.toStart, 95))}; pending ${fmt(pct(all.toPending, 50))} / ${fmt(p95)}  (target p95 ≤ ${TARGETS.pendingP95Ms} ms: ${p95 <= TARGETS.pendingP95Ms ? 'met' : 'MISSED'}; CPU ${cpuPer.toFixed(2)} ms a delivery, ${Number.isNaN(mainPer) ? '' : `${mainPer.toFixed(2)} ms of it on the service's thread (client and GitHub server on their own threads); `}load average ${load()})`,
      );
    });
  }
}

/** 200 deliveries at once (each a pull request): ms until every run's final status was sent to GitHub. */
async function burst() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'burst') return;
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  await withService({}, async (svc) => {
    await latency(svc, 5); // warm-up
    const n = 200;
    const seqs = Array.from({ length: n }, () => ++seq);
    const expected = new Set(seqs.map(shaOf));
    const final = new Set();
    const done = new Promise((resolve) => {
      svc.core.events.on('reported', (r) => {
        if (expected.has(r.sha) && r.state === 'succeeded') final.add(r.sha);
        if (final.size >= n) resolve();
      });
    });
    const t = now();
    const { answeredAt } = await client.send(svc.url, seqs);
    const answered = answeredAt - t;
    await done;
    const ms = now() - t;
    svc.core.events.removeAllListeners();
    console.log(`200 deliveries at once: all answered in ${fmt(answered)}, every run's final status sent in ${fmt(ms)}  (target ≤ ${TARGETS.burst200Ms} ms: ${ms <= TARGETS.burst200Ms ? 'met' : 'MISSED'}; load average ${load()})`);
  });
}

async function memory() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'memory') return;
  await withService({}, async (svc) => {
    const total = Number(process.env.BENCH_DELIVERIES ?? 10_000);
    const batch = 50;
    await client.send(svc.url, Array.from({ length: total }, () => ++seq), batch);
    while ((await svc.core.store.queueDepth()) > 0 || svc.core.runner.running > 0) await new Promise((r) => setImmediate(r));
    globalThis.gc?.();
    const m = process.memoryUsage();
    console.log(`memory after ${total} deliveries (each a run; statuses logged, no GitHub): rss ${(m.rss / 2 ** 20).toFixed(0)} MB (the process, client thread included), heap used ${(m.heapUsed / 2 ** 20).toFixed(0)} MB (the service's thread)${globalThis.gc ? ' (after GC)' : ''}`);
  }, false);
}

async function seed(root, n) {
  const db = await openSqlite(join(root, '.plumbing', 'serve.db'));
  const store = new Store(db);
  await store.migrate();
  await db.exec('BEGIN');
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const name = `ci-${i.toString(36).padStart(6, '0')}`;
    await store.insertRun({
      name, namespace: 'tekton-ci', kind: i % 10 === 0 ? 'periodic' : 'pull-request', resourceKind: 'PipelineRun', job: i % 10 === 0 ? 'nightly' : 'ci',
      repository: `org/repo-${i % 20}`, pullRequest: i % 500, sha: i.toString(16).padStart(40, '0'), event: 'pull_request', deliveryId: `d-${i}`, actor: 'someone',
      triggerName: 'pull-request-ci', supersedeKey: null, private: false, state: i % 7 === 0 ? 'failed' : 'succeeded', reason: 'Succeeded', message: '',
      created: new Date(base + i * 1000).toISOString(), started: null, finished: null, owner: null, recordDir: null,
      resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name }, spec: { pipelineRef: { name: 'ci' }, params: [{ name: 'revision', value: 'x' }] } },
      status: { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }] },
    });
  }
  await db.exec('COMMIT');
  await store.close();
}

async function timeGets(url, paths, n) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const p = paths[i % paths.length];
    const t = performance.now();
    const res = await fetch(`${url}${p}`);
    await res.arrayBuffer();
    ms.push(performance.now() - t);
  }
  return ms;
}

async function listing() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'list') return;
  for (const n of [10_000, 100_000]) {
    const root = makeRoot();
    const t = performance.now();
    await seed(root, n);
    const seedMs = performance.now() - t;
    const backend = async () => ({ state: 'succeeded', reason: 'Succeeded', message: '', status: null, recordDir: '' });
    const svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: join(root, 'secrets'), backend, log: () => {} });
    try {
      const first = await (await fetch(`${svc.url}/api/v1/runs?limit=50`)).json();
      let cursor = first.next;
      for (let i = 0; i < 20 && cursor; i++) cursor = (await (await fetch(`${svc.url}/api/v1/runs?limit=50&cursor=${cursor}`)).json()).next;
      const paths = ['/api/v1/runs?limit=50', '/api/v1/runs?limit=50&repository=org/repo-7', '/api/v1/runs?limit=50&kind=periodic&state=failed', '/api/v1/runs?limit=50&repository=org/repo-3&pullRequest=123', `/api/v1/runs?limit=50&cursor=${cursor}`];
      await timeGets(svc.url, paths, 50);
      const ms = await timeGets(svc.url, paths, 500);
      const p95 = pct(ms, 95);
      const verdict = n === 100_000 ? `  (target p95 ≤ ${TARGETS.listP95Ms} ms: ${p95 <= TARGETS.listP95Ms ? 'met' : 'MISSED'}; the Tekton Dashboard takes ~${DASHBOARD_700_RUNS_MS} ms for 700 runs)` : '';
      console.log(`GET /api/v1/runs (50 a page, filters and a deep cursor) with ${n} runs: p50 ${fmt(pct(ms, 50))}, p95 ${fmt(p95)}${verdict}  [seeded in ${(seedMs / 1000).toFixed(1)} s]`);
    } finally {
      await svc.close(0);
      rmSync(root, { recursive: true, force: true });
    }
  }
}

await latencies();
await burst();
await memory();
await listing();
await client.close();
