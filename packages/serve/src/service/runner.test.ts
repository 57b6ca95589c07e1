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
