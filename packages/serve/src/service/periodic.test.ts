import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { ScheduledJob } from '@plumbing/deploy';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../test/store-suite.js';
import { waitForEvent } from '../../test/helpers.js';
import { openSqlite } from '../store/db.js';
import { type RunRow, Store } from '../store/store.js';
import { cronMatches, previousTick, startPeriodic } from './periodic.js';

describe('cron ticks (UTC)', () => {
  it('matches minutes, hours, lists, ranges and steps', () => {
    const d = new Date('2026-12-07T03:00:00Z'); // a Monday
    expect(cronMatches('0 * * * *', d)).toBe(true);
    expect(cronMatches('0 3 * * 1', d)).toBe(true);
    expect(cronMatches('0 3 * * 0,2-6', d)).toBe(false);
    expect(cronMatches('*/15 1-4 * * *', d)).toBe(true);
    expect(cronMatches('30 2 * * *', d)).toBe(false);
  });
  it('finds the previous tick', () => {
    expect(previousTick('0 2 * * *', new Date('2026-12-07T13:45:10Z'))?.toISOString()).toBe('2026-12-07T02:00:00.000Z');
    expect(previousTick('0 * * * *', new Date('2026-12-07T13:00:00Z'))?.toISOString()).toBe('2026-12-07T13:00:00.000Z');
  });
});

describe('periodic jobs inside serve', () => {
  let dir: string;
  let store: Store;
  const lines: string[] = [];
  const events = new EventEmitter();
  beforeEach(async () => {
    dir = await makeTempDir('plumbing-serve-periodic-');
    store = new Store(await openSqlite(join(dir, 'serve.db')));
    await store.migrate();
    lines.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await removeTempDir(dir);
  });

  const job = (calls: string[]): ScheduledJob => ({
    name: 'release/nightly',
    schedule: '0 2 * * *',
    async run() {
      calls.push('ran');
      return 'released v0.1.0-nightly';
    },
  });

  it('runs a tick missed while the service was down once at start-up, says so, and records it as a periodic run', async () => {
    await store.insertRun(run('nightly-old', '2026-12-05T02:00:00.000Z', { kind: 'periodic', job: 'release/nightly', state: 'succeeded' }));
    const calls: string[] = [];
    const done = waitForEvent<RunRow>(events, 'run', (r) => r.state === 'succeeded');
    const p = await startPeriodic({ store, log: (l) => lines.push(l), onRun: (r) => events.emit('run', r), now: () => new Date('2026-12-07T13:00:00Z') }, [job(calls)]);
    const r = await done;
    await p.stop();
    expect(calls).toEqual(['ran']);
    expect(lines).toContainEqual('release/nightly: the tick of 2026-12-07T02:00:00.000Z was missed (last run 2026-12-05T02:00:00.000Z); running it once now');
    expect(r).toMatchObject({ kind: 'periodic', job: 'release/nightly', message: 'missed tick 2026-12-07T02:00:00.000Z, run at start-up: released v0.1.0-nightly' });
    expect(await store.lastPeriodicSuccess()).toEqual([{ job: 'release/nightly', finished: expect.any(String) }]);
  });

  it('does not catch up on a first start (no history) nor when the last tick ran', async () => {
    const calls: string[] = [];
    const first = await startPeriodic({ store, log: (l) => lines.push(l), onRun: () => {}, now: () => new Date('2026-12-07T13:00:00Z') }, [job(calls)]);
    await first.stop();
    await store.insertRun(run('nightly-today', '2026-12-07T02:00:01.000Z', { kind: 'periodic', job: 'release/nightly', state: 'succeeded' }));
    const second = await startPeriodic({ store, log: (l) => lines.push(l), onRun: () => {}, now: () => new Date('2026-12-07T13:00:00Z') }, [job(calls)]);
    await second.stop();
    expect(calls).toEqual([]);
  });
});
