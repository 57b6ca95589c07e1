// applyRetention over a real store (SQLite in retention.test.ts, PostgreSQL in
// retention.e2e.test.ts) and real record directories, logs archived to a file:// bucket (the
// Bucket port of @plumbing/storage) before their runs are deleted.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveSettings } from '../src/service/config.js';
import { applyRetention } from '../src/service/retention.js';
import type { Db } from '../src/store/db.js';
import { type RunState, Store } from '../src/store/store.js';
import { run } from './store-suite.js';

export const NOW = new Date('2026-12-07T12:00:00.000Z');
export const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** `open(dir)`: a fresh, empty database for one test whose checkout is `dir`. */
export function retentionSuite(backend: string, open: (dir: string) => Promise<Db>): void {
  describe(`applyRetention (${backend}, file:// bucket)`, () => {
    let dir: string;
    let store: Store;
    beforeEach(async () => {
      dir = await makeTempDir('plumbing-serve-retention-');
      store = new Store(await open(dir));
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

    it('beyond N runs per job, the oldest finished ones of each job go, ranked by the database', async () => {
      for (const [i, state] of (['succeeded', 'failed', 'cancelled', 'succeeded'] as const).entries()) await seed(`ci-${i}`, 'ci', state, i);
      await seed('nightly-0', 'nightly', 'failed', 5);
      await seed('nightly-1', 'nightly', 'running', 6);
      const out = await applyRetention(store, dir, { maxRunsPerJob: 2, bucket: 'file://archive', intervalMs: 60_000 }, NOW, () => {});
      expect(out.deleted.map((d) => [d.name, d.reason]).sort()).toEqual([['ci-2', 'beyond the newest 2 runs of job ci'], ['ci-3', 'beyond the newest 2 runs of job ci']]);
      expect((await store.listRuns({ includePrivate: true }, 10)).items.map((r) => r.name).sort()).toEqual(['ci-0', 'ci-1', 'nightly-0', 'nightly-1']);
    });
  });
}
