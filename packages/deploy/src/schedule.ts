import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import type { ScheduledTask } from 'node-cron';
import { loadClusterConfig } from './render.js';

/** One scheduled job: the hourly deploy of a cluster, the nightly release, a cleanup. */
export interface ScheduledJob {
  /** Unique, shown in every log line. */
  name: string;
  /** Cron expression (5 fields, or 6 with seconds first). */
  schedule: string;
  timezone?: string;
  /** One tick's work. Throwing marks the tick failed; the scheduler goes on. `signal` aborts on stop. */
  run(signal: AbortSignal): Promise<string>;
}

/** The jobs a scheduler runs. Other packages (release) register theirs here too. */
export class JobRegistry {
  private readonly byName = new Map<string, ScheduledJob>();

  register(job: ScheduledJob): this {
    if (this.byName.has(job.name)) throw new PlumbingError('SCHEDULE_DUPLICATE', `a job named ${job.name} is already registered`);
    if (!/^(\S+\s+){4,5}\S+$/.test(job.schedule.trim())) throw new PlumbingError('SCHEDULE_BAD_CRON', `job ${job.name}: "${job.schedule}" is not a cron expression`);
    this.byName.set(job.name, job);
    return this;
  }

  jobs(): ScheduledJob[] {
    return [...this.byName.values()];
  }
}

export interface Scheduler {
  /** Stops new ticks, aborts the running ones and waits for them to settle. */
  stop(): Promise<void>;
  /** Resolves when stop() has finished. */
  readonly stopped: Promise<void>;
}

export interface SchedulerOptions {
  log: (line: string) => void;
  now?: () => Date;
}

/**
 * Starts every registered job on its cron schedule with node-cron. A tick never overlaps the
 * previous tick of the same job (node-cron `noOverlap`; a skipped tick is logged). Each tick
 * logs one line when it starts and one when it ends, with its outcome.
 */
export async function startScheduler(registry: JobRegistry, opts: SchedulerOptions): Promise<Scheduler> {
  const { schedule: cronSchedule, validate } = await import('node-cron');
  for (const job of registry.jobs()) if (!validate(job.schedule)) throw new PlumbingError('SCHEDULE_BAD_CRON', `job ${job.name}: "${job.schedule}" is not a cron expression`);
  const now = opts.now ?? (() => new Date());
  const abort = new AbortController();
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  for (const job of registry.jobs()) {
    const task = cronSchedule(
      job.schedule,
      async () => {
        const started = now();
        opts.log(`${started.toISOString()} ${job.name}: tick`);
        const p = job.run(abort.signal).then(
          (summary) => opts.log(`${now().toISOString()} ${job.name}: ok in ${now().getTime() - started.getTime()} ms: ${summary}`),
          (e: unknown) => opts.log(`${now().toISOString()} ${job.name}: FAILED in ${now().getTime() - started.getTime()} ms: ${e instanceof Error ? e.message : String(e)}`),
        );
        running.add(p);
        try {
          await p;
        } finally {
          running.delete(p);
        }
      },
      { name: job.name, noOverlap: true, ...(job.timezone ? { timezone: job.timezone } : {}), logger: { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} } },
    );
    task.on('execution:overlap', () => opts.log(`${now().toISOString()} ${job.name}: tick skipped, the previous one is still running`));
    tasks.push(task);
    opts.log(`scheduled ${job.name} (${job.schedule}${job.timezone ? ` ${job.timezone}` : ''}), next at ${task.getNextRun()?.toISOString() ?? 'never'}`);
  }
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<void> | undefined;
  return {
    stopped,
    stop() {
      stopping ??= (async () => {
        for (const t of tasks) await t.stop();
        abort.abort(new PlumbingError('SCHEDULE_STOPPED', 'the scheduler is stopping'));
        if (running.size) opts.log(`waiting for ${running.size} running job(s) to finish`);
        await Promise.allSettled([...running]);
        for (const t of tasks) await t.destroy();
        resolveStopped();
      })();
      return stopping;
    },
  };
}

/** The cluster names under clusters/ whose cluster.yaml has a schedule, with it. */
export function scheduledClusters(root: string): { cluster: string; schedule: string }[] {
  let dirs: string[];
  try {
    dirs = readdirSync(join(root, 'clusters'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  const out: { cluster: string; schedule: string }[] = [];
  for (const cluster of dirs) {
    let config: ReturnType<typeof loadClusterConfig>;
    try {
      config = loadClusterConfig(root, cluster);
    } catch (e) {
      if (e instanceof PlumbingError && e.code === 'DEPLOY_NO_CLUSTER') continue;
      throw e;
    }
    if (config.spec?.schedule) out.push({ cluster, schedule: config.spec.schedule });
  }
  return out;
}
