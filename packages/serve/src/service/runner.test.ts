// Runner.recover on a real SQLite store: a run left `running` by a process that is gone is failed
// (the embedded executor's run died with it) or, with a resumable backend (a cluster, where the
// run went on), put back in the queue with a fresh deadline to be followed again.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../test/store-suite.js';
import { openSqlite } from '../store/db.js';
import { Store } from '../store/store.js';
import type { Backend } from './embedded.js';
import { Runner } from './runner.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const LIMITS = { global: 2, perRepository: 2, queueTimeoutMs: 3_600_000 };
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = await makeTempDir('plumbing-serve-runner-');
  store = new Store(await openSqlite(join(dir, 'serve.db')));
  await store.migrate();
  // Started two hours ago (its queue deadline from creation is long past) by a pid that does not exist.
  await store.insertRun(run('ci-orphan', '2026-12-07T10:00:00.000Z', { state: 'running', started: '2026-12-07T10:00:01.000Z', owner: `${hostname()}:2147483646` }));
});

afterEach(async () => {
  await store.close();
  await removeTempDir(dir);
});

const backend = (flags: { resumable?: boolean }): Backend => Object.assign(async () => ({ state: 'succeeded' as const, reason: 'Succeeded', message: '', status: null, recordDir: '' }), flags);

describe('Runner.recover', () => {
  it('fails an orphaned run of a backend whose runs die with the process', async () => {
    const out = await new Runner(store, backend({}), LIMITS, {}, () => NOW).recover();
    expect([out.failed.map((r) => r.name), out.resumed]).toEqual([['ci-orphan'], []]);
    expect(await store.getRun('ci-orphan')).toMatchObject({ state: 'failed', reason: 'ServiceRestarted' });
    expect(await store.queued()).toEqual([]);
  });

  it('a run owned by another host in a SQLite store is an orphan too (the pod was replaced: a new hostname, the same claim)', async () => {
    await store.insertRun(run('ci-other-host', '2026-12-07T11:00:00.000Z', { state: 'running', started: '2026-12-07T11:00:01.000Z', owner: 'plumbing-serve-6d9f8-old:1' }));
    const out = await new Runner(store, backend({ resumable: true }), LIMITS, {}, () => NOW).recover();
    expect(out.resumed.map((r) => r.name).sort()).toEqual(['ci-orphan', 'ci-other-host']);
  });

  it('leaves a run of this host whose process is alive (another serve on the same store) alone', async () => {
    await store.insertRun(run('ci-alive', '2026-12-07T11:00:00.000Z', { state: 'running', started: '2026-12-07T11:00:01.000Z', owner: `${hostname()}:${process.ppid}` }));
    const out = await new Runner(store, backend({ resumable: true }), LIMITS, {}, () => NOW).recover();
    expect(out.resumed.map((r) => r.name)).toEqual(['ci-orphan']);
    expect(await store.getRun('ci-alive')).toMatchObject({ state: 'running' });
  });

  it('queues an orphaned run of a resumable backend again, its deadline counted from now', async () => {
    const out = await new Runner(store, backend({ resumable: true }), LIMITS, {}, () => NOW).recover();
    expect([out.failed, out.resumed.map((r) => r.name)]).toEqual([[], ['ci-orphan']]);
    expect(await store.getRun('ci-orphan')).toMatchObject({ state: 'queued', reason: 'ServiceRestarted', owner: null, started: null });
    expect((await store.queued()).map((q) => [q.runName, q.deadline])).toEqual([['ci-orphan', '2026-12-07T13:00:00.000Z']]);
  });
});

describe('Runner leases (replicas sharing a store)', () => {
  const expired = { state: 'running' as const, started: '2026-12-07T11:59:00.000Z', owner: 'replica-b:7', leaseExpires: '2026-12-07T11:59:59.000Z' };

  it('fails a run of another replica whose lease expired, once, and leaves one whose lease holds', async () => {
    await store.insertRun(run('ci-lost', '2026-12-07T11:58:00.000Z', expired));
    await store.insertRun(run('ci-held-lease', '2026-12-07T11:58:00.000Z', { ...expired, leaseExpires: '2026-12-07T12:00:10.000Z' }));
    const ended: string[] = [];
    const runner = new Runner(store, backend({}), LIMITS, { onEnd: (r) => ended.push(r.name) }, () => NOW);
    expect((await runner.leaseTick()).map((r) => r.name)).toEqual(['ci-lost']);
    expect(await store.getRun('ci-lost')).toMatchObject({ state: 'failed', reason: 'ServiceLost', finished: NOW.toISOString(), message: expect.stringContaining('the serve instance running it stopped (replica-b:7') });
    expect(await store.getRun('ci-held-lease')).toMatchObject({ state: 'running', owner: 'replica-b:7' });
    // Another replica's pass finds nothing more to take.
    expect(await new Runner(store, backend({}), LIMITS, {}, () => NOW).leaseTick()).toEqual([]);
    expect(ended).toEqual(['ci-lost']);
  });

  it('queues a run of a resumable backend again to be followed, and lets go of a run of its own that another replica took over', async () => {
    await store.insertRun(run('ci-lost', '2026-12-07T11:58:00.000Z', expired));
    let called: (s: AbortSignal) => void = () => undefined;
    const running = new Promise<AbortSignal>((r) => {
      called = r;
    });
    const waits: Backend = Object.assign(
      async (_r: unknown, s: AbortSignal) => {
        called(s);
        await new Promise<void>((r) => s.addEventListener('abort', () => r()));
        return { state: 'succeeded' as const, reason: 'Succeeded', message: '', status: null, recordDir: '' };
      },
      { resumable: true },
    );
    const runner = new Runner(store, waits, LIMITS, {}, () => NOW);
    await runner.leaseTick();
    expect(await store.getRun('ci-lost')).toMatchObject({ state: 'queued', reason: 'ServiceLost', owner: null });
    // The queued run is started here (the pass moved the queue)…
    await runner.kick();
    const signal = await running;
    expect(await store.getRun('ci-lost')).toMatchObject({ state: 'running', owner: runner.owner, leaseExpires: '2026-12-07T12:00:30.000Z' });
    // …then another replica takes it: this one aborts it and writes nothing over the other's row.
    await store.updateRun('ci-lost', { owner: 'replica-c:9', state: 'failed', reason: 'ServiceLost' });
    await store.durable();
    await runner.leaseTick();
    expect(signal.aborted).toBe(true);
    await runner.stop(0);
    expect(await store.getRun('ci-lost')).toMatchObject({ state: 'failed', owner: 'replica-c:9' });
    expect(await store.queued()).toEqual([]);
  });
});
