import { describe, expect, it, vi } from 'vitest';
import { JobRegistry, manualCron, nodeCron, scheduledClusters, startScheduler } from './schedule.js';
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

describe('the scheduler (hand-driven ticks, fixed clock)', () => {
  it('logs each tick, never overlaps a running tick, and on stop aborts and waits for the running one', async () => {
    const lines: string[] = [];
    const cron = manualCron();
    const at = new Date('2026-01-02T03:04:05.000Z');
    let running = 0;
    let maxRunning = 0;
    let release: (() => void) | undefined;
    let aborted = false;
    const registry = new JobRegistry()
      .register({ name: 'quick', schedule: '0 * * * *', run: async () => 'done' })
      .register({
        name: 'slow',
        schedule: '* * * * * *',
        async run(signal) {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise<void>((resolve) => {
            release = resolve;
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          });
          running--;
          return 'stopped early';
        },
      });
    const scheduler = await startScheduler(registry, { log: (l) => lines.push(l), now: () => at, cron });
    expect(cron.names()).toEqual(['quick', 'slow']);
    cron.tick('quick');
    await vi.waitFor(() => expect(lines).toContain('2026-01-02T03:04:05.000Z quick: ok in 0 ms: done'));
    cron.tick('slow');
    cron.tick('slow');
    expect(release).toBeDefined();
    const stopping = scheduler.stop();
    await stopping;
    await scheduler.stopped;
    expect(maxRunning).toBe(1);
    expect(aborted).toBe(true);
    expect(running).toBe(0);
    expect(cron.names()).toEqual([]);
    expect(lines).toEqual([
      'scheduled quick (0 * * * *), next at never',
      'scheduled slow (* * * * * *), next at never',
      '2026-01-02T03:04:05.000Z quick: tick',
      '2026-01-02T03:04:05.000Z quick: ok in 0 ms: done',
      '2026-01-02T03:04:05.000Z slow: tick',
      '2026-01-02T03:04:05.000Z slow: tick skipped, the previous one is still running',
      'waiting for 1 running job(s) to finish',
      '2026-01-02T03:04:05.000Z slow: ok in 0 ms: stopped early',
    ]);
  });

  it('a failing tick is logged as FAILED and the job runs again on the next tick', async () => {
    const lines: string[] = [];
    const cron = manualCron();
    let n = 0;
    const registry = new JobRegistry().register({
      name: 'flaky',
      schedule: '0 * * * *',
      run: async () => {
        n++;
        if (n === 1) throw new Error('first tick fails');
        return 'second tick works';
      },
    });
    const scheduler = await startScheduler(registry, { log: (l) => lines.push(l), now: () => new Date(0), cron });
    cron.tick('flaky');
    await vi.waitFor(() => expect(lines.some((l) => l.includes('FAILED'))).toBe(true));
    cron.tick('flaky');
    await vi.waitFor(() => expect(lines.some((l) => l.includes('second tick works'))).toBe(true));
    await scheduler.stop();
    expect(lines.slice(1)).toEqual([
      '1970-01-01T00:00:00.000Z flaky: tick',
      '1970-01-01T00:00:00.000Z flaky: FAILED in 0 ms: first tick fails',
      '1970-01-01T00:00:00.000Z flaky: tick',
      '1970-01-01T00:00:00.000Z flaky: ok in 0 ms: second tick works',
    ]);
  });
});

describe('the node-cron port', () => {
  it('fires a job on its schedule and says when it runs next', async () => {
    const cron = await nodeCron();
    expect(cron.validate('0 99 * * *')).toBe(false);
    let fired!: () => void;
    const firstTick = new Promise<void>((r) => {
      fired = r;
    });
    const trigger = cron.schedule({ name: 'every-second', schedule: '* * * * * *' }, () => fired());
    try {
      expect(trigger.nextRun()).toBeInstanceOf(Date);
      await firstTick;
    } finally {
      await trigger.stop();
    }
  });
});
