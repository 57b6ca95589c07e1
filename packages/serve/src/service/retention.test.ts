// Retention over a real SQLite store and real record directories, logs archived to a file://
// bucket (the Bucket port of @plumbing/storage) before their runs are deleted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../test/store-suite.js';
import { openSqlite } from '../store/db.js';
import { type RunState, Store } from '../store/store.js';
import { serveSettings } from './config.js';
import { applyRetention, planRetention, type RetentionCandidate } from './retention.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

describe('planRetention', () => {
  const c = (name: string, job: string, state: RunState, ageDays: number, rank: number): RetentionCandidate => ({ name, job, state, created: day(ageDays), recordDir: null, rank });
  const cases: [string, RetentionCandidate[], { maxAgeDays?: number; maxRunsPerJob?: number }, string[]][] = [
    ['old finished runs go', [c('new', 'ci', 'succeeded', 0, 0), c('old', 'ci', 'failed', 40, 1)], { maxAgeDays: 30 }, ['old']],
    ['never a running or queued one, however old', [c('new', 'ci', 'succeeded', 0, 0), c('r', 'ci', 'running', 40, 1), c('q', 'ci', 'queued', 50, 2)], { maxAgeDays: 30 }, []],
    ["never a job's last run, however old", [c('only', 'nightly', 'failed', 400, 0)], { maxAgeDays: 30 }, []],
    ['beyond N per job, per job', [c('a0', 'a', 'succeeded', 0, 0), c('a1', 'a', 'succeeded', 1, 1), c('a2', 'a', 'cancelled', 2, 2), c('b0', 'b', 'failed', 9, 0)], { maxRunsPerJob: 2 }, ['a2']],
    ['nothing configured: nothing goes', [c('old', 'ci', 'failed', 400, 1)], {}, []],
  ];
  it.each(cases)('%s', (_name, runs, policy, want) => {
    expect(planRetention(runs, policy, NOW).map((d) => d.name)).toEqual(want);
  });
});

describe('applyRetention (SQLite, file:// bucket)', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await makeTempDir('plumbing-serve-retention-');
    store = new Store(await openSqlite(join(dir, '.plumbing', 'serve.db')));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await removeTempDir(dir);
  });

  async function seed(name: string, job: string, state: RunState, ageDays: number): Promise<void> {
    const recordDir = join('.plumbing', 'runs', name);
    mkdirSync(join(dir, recordDir, `${name}-build`), { recursive: true });
    writeFileSync(join(dir, recordDir, `${name}-build`, 'compile.log'), `log of ${name}\n`);
    writeFileSync(join(dir, recordDir, 'status.json'), '{}');
    await store.insertRun(run(name, day(ageDays), { job, state, recordDir, finished: state === 'running' ? null : day(ageDays) }));
    await store.upsertStep({ runName: name, taskRun: `${name}-build`, name: 'compile', state: 'succeeded', logPath: join(recordDir, `${name}-build`, 'compile.log'), exitCode: 0, started: null, finished: null });
  }

  it('archives the logs of each deleted run to the bucket, then deletes its rows and record; keeps running and last runs', async () => {
    await seed('ci-new', 'ci', 'succeeded', 1);
    await seed('ci-old', 'ci', 'failed', 45);
    await seed('ci-stuck', 'ci', 'running', 60);
    await seed('nightly-only', 'nightly', 'failed', 90);
    const settings = serveSettings({ serve: { retention: { maxAgeDays: 30, bucket: 'file://archive' } } }, 8080).retention!;
    const out = await applyRetention(store, dir, settings, NOW, () => {});
    expect(out).toEqual({ deleted: [{ name: 'ci-old', job: 'ci', recordDir: '.plumbing/runs/ci-old', reason: 'older than 30 days' }], kept: [] });
    expect(readFileSync(join(dir, 'archive', 'runs', 'ci-old', 'ci-old-build', 'compile.log'), 'utf8')).toBe('log of ci-old\n');
    expect(existsSync(join(dir, 'archive', 'runs', 'ci-old', 'status.json'))).toBe(true);
    expect(await store.getRun('ci-old')).toBeUndefined();
    expect(await store.stepsOf('ci-old')).toEqual([]);
    expect(existsSync(join(dir, '.plumbing', 'runs', 'ci-old'))).toBe(false);
    expect((await store.listRuns({ includePrivate: true }, 10)).items.map((r) => r.name).sort()).toEqual(['ci-new', 'ci-stuck', 'nightly-only']);
  });

  it('keeps a run whose logs cannot be archived (an unwritable bucket)', async () => {
    await seed('ci-new', 'ci', 'succeeded', 1);
    await seed('ci-old', 'ci', 'failed', 45);
    writeFileSync(join(dir, 'not-a-dir'), '');
    const out = await applyRetention(store, dir, { maxAgeDays: 30, bucket: 'file://not-a-dir/sub', intervalMs: 60_000 }, NOW, () => {});
    expect(out.deleted).toEqual([]);
    expect(out.kept.map((k) => k.name)).toEqual(['ci-old']);
    expect(await store.getRun('ci-old')).toBeDefined();
  });
});
