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

/** One scheduled trigger of a cron port. */
export interface CronTrigger {
  /** The next time it fires, if known. */
  nextRun(): Date | undefined;
  stop(): Promise<void>;
}

/**
 * Where ticks come from: node-cron in production (`nodeCron`), a hand-driven port in tests
 * (`manualCron`), so that no test waits on the wall clock.
 */
export interface CronPort {
  validate(expression: string): boolean;
  schedule(job: Pick<ScheduledJob, 'name' | 'schedule' | 'timezone'>, onTick: () => void): CronTrigger;
}

export interface SchedulerOptions {
  log: (line: string) => void;
  /** The clock of the log lines and durations (default: the system clock). */
  now?: () => Date;
  /** The source of ticks (default: node-cron). */
  cron?: CronPort;
}

/** The cron port over node-cron (loaded on first use). */
export async function nodeCron(): Promise<CronPort> {
  const { schedule, validate } = await import('node-cron');
  const quiet = { info: () => {}, debug: () => {}, warn: () => {}, error: () => {} };
  return {
    validate,
    schedule(job, onTick) {
      const task: ScheduledTask = schedule(job.schedule, onTick, { name: job.name, ...(job.timezone ? { timezone: job.timezone } : {}), logger: quiet });
      return {
        nextRun: () => task.getNextRun() ?? undefined,
        async stop() {
          await task.stop();
          await task.destroy();
        },
      };
    },
  };
}

/** A cron port whose ticks are fired by hand (`tick(name)`), for tests. */
export function manualCron(): CronPort & { tick(name: string): void; names(): string[] } {
  const ticks = new Map<string, () => void>();
  return {
    validate: (e) => /^(\S+\s+){4,5}\S+$/.test(e.trim()),
    schedule(job, onTick) {
      ticks.set(job.name, onTick);
      return {
        nextRun: () => undefined,
        stop: async () => {
          ticks.delete(job.name);
        },
      };
    },
    tick(name) {
      const t = ticks.get(name);
      if (!t) throw new PlumbingError('SCHEDULE_UNKNOWN_JOB', `no scheduled job ${name}`);
      t();
    },
    names: () => [...ticks.keys()],
  };
}

/**
 * Starts every registered job on its cron schedule. A tick never overlaps the previous tick of
 * the same job (a skipped tick is logged). Each tick logs one line when it starts and one when
 * it ends, with its outcome.
 */
export async function startScheduler(registry: JobRegistry, opts: SchedulerOptions): Promise<Scheduler> {
  const cron = opts.cron ?? (await nodeCron());
  for (const job of registry.jobs()) if (!cron.validate(job.schedule)) throw new PlumbingError('SCHEDULE_BAD_CRON', `job ${job.name}: "${job.schedule}" is not a cron expression`);
  const now = opts.now ?? (() => new Date());
  const abort = new AbortController();
  const running = new Set<Promise<unknown>>();
  const triggers: CronTrigger[] = [];
  for (const job of registry.jobs()) {
    let current: Promise<unknown> | undefined;
    const onTick = () => {
      if (current) {
        opts.log(`${now().toISOString()} ${job.name}: tick skipped, the previous one is still running`);
        return;
      }
      const started = now();
      opts.log(`${started.toISOString()} ${job.name}: tick`);
      const took = () => `${now().getTime() - started.getTime()} ms`;
      const p = job.run(abort.signal).then(
        (summary) => opts.log(`${now().toISOString()} ${job.name}: ok in ${took()}: ${summary}`),
        (e: unknown) => opts.log(`${now().toISOString()} ${job.name}: FAILED in ${took()}: ${e instanceof Error ? e.message : String(e)}`),
      );
      current = p;
      running.add(p);
      void p.finally(() => {
        running.delete(p);
        current = undefined;
      });
    };
    const trigger = cron.schedule(job, onTick);
    triggers.push(trigger);
    opts.log(`scheduled ${job.name} (${job.schedule}${job.timezone ? ` ${job.timezone}` : ''}), next at ${trigger.nextRun()?.toISOString() ?? 'never'}`);
  }
  return stoppable(triggers, abort, running, opts.log);
}

function stoppable(triggers: CronTrigger[], abort: AbortController, running: Set<Promise<unknown>>, log: (line: string) => void): Scheduler {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<void> | undefined;
  return {
    stopped,
    stop() {
      stopping ??= (async () => {
        for (const t of triggers) await t.stop();
        abort.abort(new PlumbingError('SCHEDULE_STOPPED', 'the scheduler is stopping'));
        if (running.size) log(`waiting for ${running.size} running job(s) to finish`);
        await Promise.allSettled([...running]);
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
