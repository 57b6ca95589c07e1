import { describe, expect, it } from 'vitest';
import { JobRegistry, scheduledClusters, startScheduler } from './schedule.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

describe('the job registry', () => {
  it('refuses a duplicate name and a bad cron expression', async () => {
    const r = new JobRegistry().register({ name: 'deploy/a', schedule: '0 * * * *', run: async () => 'ok' });
    expect(() => r.register({ name: 'deploy/a', schedule: '0 * * * *', run: async () => 'ok' })).toThrow(expect.objectContaining({ code: 'SCHEDULE_DUPLICATE' }));
    expect(() => r.register({ name: 'b', schedule: 'every hour', run: async () => 'ok' })).toThrow(expect.objectContaining({ code: 'SCHEDULE_BAD_CRON' }));
    await expect(startScheduler(new JobRegistry().register({ name: 'c', schedule: '0 99 * * *', run: async () => 'ok' }), { log: () => {} })).rejects.toMatchObject({ code: 'SCHEDULE_BAD_CRON' });
    expect(r.jobs().map((j) => j.name)).toEqual(['deploy/a']);
  });

  it('finds the clusters of this repository that have a schedule', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    expect(scheduledClusters(root)).toEqual([{ cluster: 'dogfooding', schedule: '0 * * * *' }]);
  });
});

describe('the scheduler (node-cron, real clock)', () => {
  it('logs each tick, never overlaps a running tick, and on stop aborts and waits for the running one', async () => {
    const lines: string[] = [];
    let running = 0;
    let maxRunning = 0;
    let aborted = false;
    const registry = new JobRegistry().register({
      name: 'slow',
      schedule: '* * * * * *', // every second
      async run(signal) {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2500);
          signal.addEventListener('abort', () => {
            aborted = true;
            clearTimeout(t);
            resolve();
          });
        });
        running--;
        return 'done';
      },
    });
    const scheduler = await startScheduler(registry, { log: (l) => lines.push(l) });
    await new Promise((r) => setTimeout(r, 4200));
    await scheduler.stop();
    expect(maxRunning).toBe(1);
    expect(lines[0]).toMatch(/^scheduled slow \(\* \* \* \* \* \*\), next at /);
    expect(lines.some((l) => /slow: tick$/.test(l))).toBe(true);
    expect(lines.some((l) => /slow: tick skipped, the previous one is still running$/.test(l))).toBe(true);
    expect(lines.some((l) => /slow: ok in \d+ ms: done$/.test(l))).toBe(true);
    expect(aborted || lines.filter((l) => /tick$/.test(l)).length === lines.filter((l) => / ok in /.test(l)).length).toBe(true);
    expect(running).toBe(0);
  });
});
