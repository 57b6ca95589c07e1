// bench:serve's HTTP client on its own thread: it signs and sends the deliveries, so the CPU and
// event-loop time they cost is not counted on the service's thread (as in production, where
// GitHub sends them from elsewhere). Times are absolute (timeOrigin + now), comparable across threads.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { sign } from '@octokit/webhooks-methods';

const require = createRequire(import.meta.url);
const example = require('@octokit/webhooks-examples/api.github.com/index.json')
  .find((g) => g.name === 'pull_request')
  .examples.find((e) => e.action === 'opened');
const { secret } = workerData;
const shaOf = (n) => n.toString(16).padStart(40, '0');
const now = () => performance.timeOrigin + performance.now();

async function delivery(url, n) {
  const p = structuredClone(example);
  p.number = n;
  p.pull_request.number = n;
  p.pull_request.head.sha = shaOf(n);
  const body = JSON.stringify(p);
  const t0 = now();
  const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': `bench-${process.pid}-${n}`, 'x-hub-signature-256': await sign(secret, body) };
  const res = await fetch(`${url}/hooks/github`, { method: 'POST', headers, body });
  if (res.status !== 202) throw new Error(`delivery answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return [shaOf(n), t0];
}

// { url, seqs, batch? }: sends the deliveries `batch` at a time (default all at once); answers { sent: [[sha, t0], …], answeredAt } or { error }.
parentPort.on('message', async ({ url, seqs, batch }) => {
  try {
    const sent = [];
    const step = batch ?? seqs.length;
    for (let i = 0; i < seqs.length; i += step) sent.push(...(await Promise.all(seqs.slice(i, i + step).map((n) => delivery(url, n)))));
    parentPort.postMessage({ sent, answeredAt: now() });
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
