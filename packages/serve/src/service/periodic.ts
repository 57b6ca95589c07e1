/**
 * The periodic jobs of `plumbing schedule` (hourly deploy, nightly release, cleanup), run inside
 * serve by the same scheduler (@plumbing/deploy's startScheduler, node-cron, no overlap) from the
 * same job list, each tick recorded as a run of kind `periodic`. A tick missed while the service
 * was down (the job has an earlier run, and its previous scheduled time is after that run) is
 * run once at start-up, and said so.
 */
import { generateName } from '@plumbing/executor';
import { JobRegistry, type ScheduledJob, startScheduler } from '@plumbing/deploy';
import type { RunRow, Store } from '../store/store.js';
import { ownerId } from './runner.js';

export interface PeriodicContext {
  store: Store;
  log: (line: string) => void;
  onRun: (run: RunRow) => void;
  now?: () => Date;
}

function field(spec: string, value: number, min: number, max: number): boolean {
  return spec.split(',').some((part) => {
    const [range = '*', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = min;
    let hi = max;
    if (range !== '*') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : Number(b);
    }
    return value >= lo && value <= hi && (value - lo) % step === 0;
  });
}

/** Does a 5-field cron expression (numbers, `*`, lists, ranges, steps; UTC) match this minute? */
export function cronMatches(expr: string, d: Date): boolean {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return false;
  const [mi, h, dom, mon, dow] = f as [string, string, string, string, string];
  const dowOk = field(dow, d.getUTCDay(), 0, 6) || (d.getUTCDay() === 0 && field(dow, 7, 0, 7));
  const domOk = field(dom, d.getUTCDate(), 1, 31);
  const dayOk = dom !== '*' && dow !== '*' ? domOk || dowOk : domOk && dowOk;
  return field(mi, d.getUTCMinutes(), 0, 59) && field(h, d.getUTCHours(), 0, 23) && field(mon, d.getUTCMonth() + 1, 1, 12) && dayOk;
}

/** The latest minute at or before `now` the expression matches, looking back at most 35 days. */
export function previousTick(expr: string, now: Date): Date | undefined {
  const t = new Date(now);
  t.setUTCSeconds(0, 0);
  for (let i = 0; i < 35 * 24 * 60; i++) {
    if (cronMatches(expr, t)) return new Date(t);
    t.setUTCMinutes(t.getUTCMinutes() - 1);
  }
  return undefined;
}

/** Runs one tick of a job as a recorded run; a tick while the previous one runs is skipped. */
async function tick(ctx: PeriodicContext, job: ScheduledJob, signal: AbortSignal, busy: Set<string>, why: string): Promise<string> {
  if (busy.has(job.name)) {
    ctx.log(`${job.name}: previous tick still running, this one (${why}) is skipped`);
    return 'skipped: previous tick still running';
  }
  busy.add(job.name);
  const now = ctx.now ?? (() => new Date());
  const name = generateName(`${job.name.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-`);
  const at = now().toISOString();
  const run: RunRow = {
    name, namespace: 'plumbing', kind: 'periodic', resourceKind: 'Job', job: job.name, repository: null, pullRequest: null, sha: null, event: 'schedule', deliveryId: null,
    actor: 'scheduler', triggerName: why, supersedeKey: null, private: false, state: 'running', reason: 'Running', message: why, created: at, started: at, finished: null,
    owner: ownerId(), recordDir: null, resource: { apiVersion: 'plumbing.dev/v1alpha1', kind: 'Job', metadata: { name }, spec: { schedule: job.schedule } }, status: null,
  };
  await ctx.store.insertRun(run);
  ctx.onRun(run);
  try {
    const message = await job.run(signal);
    await ctx.store.updateRun(name, { state: 'succeeded', reason: 'Succeeded', message: `${why}: ${message}`.slice(0, 2000), finished: now().toISOString() });
    return message;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await ctx.store.updateRun(name, { state: signal.aborted ? 'cancelled' : 'failed', reason: signal.aborted ? 'ServiceStopped' : 'Failed', message: `${why}: ${message}`.slice(0, 2000), finished: now().toISOString() });
    throw e;
  } finally {
    busy.delete(job.name);
    const after = await ctx.store.getRun(name);
    if (after) ctx.onRun(after);
  }
}

export interface Periodic {
  stop(): Promise<void>;
}

export async function startPeriodic(ctx: PeriodicContext, jobs: readonly ScheduledJob[]): Promise<Periodic> {
  const busy = new Set<string>();
  const ac = new AbortController();
  const registry = new JobRegistry();
  for (const job of jobs) registry.register({ ...job, run: (signal) => tick(ctx, job, signal, busy, 'scheduled tick') });
  const catchUps: Promise<unknown>[] = [];
  const now = (ctx.now ?? (() => new Date()))();
  for (const job of jobs) {
    const last = await ctx.store.lastRunOfJob(job.name);
    const prev = previousTick(job.schedule, now);
    if (!last || !prev || Date.parse(last.created) >= prev.getTime()) continue;
    ctx.log(`${job.name}: the tick of ${prev.toISOString()} was missed (last run ${last.created}); running it once now`);
    catchUps.push(tick(ctx, job, ac.signal, busy, `missed tick ${prev.toISOString()}, run at start-up`).catch(() => undefined));
  }
  const scheduler = jobs.length > 0 ? await startScheduler(registry, { log: ctx.log }) : undefined;
  return {
    stop: async () => {
      ac.abort();
      await scheduler?.stop();
      await Promise.all(catchUps);
    },
  };
}
