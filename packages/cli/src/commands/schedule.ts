import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const SCHEDULE_HELP = `Usage: plumbing schedule [options]

Runs the scheduled jobs off-cluster until SIGINT or SIGTERM: the deploy of every cluster whose
clusters/<name>/cluster.yaml has a spec.schedule (as plumbing deploy <name>), and (without
--cluster) the nightly release of every project whose releases/<project>.yaml has a
spec.nightly.schedule (as plumbing release nightly --project <project>, on this machine). A job's tick never
overlaps its previous tick (a skipped tick is logged); every tick logs a line when it starts and
when it ends. On SIGINT/SIGTERM no new tick starts, running deploys are stopped at their next
step (the Lease is released) and the command exits.

Options:
  --cluster NAME       only these clusters (repeatable)
  --context NAME       kube context for every deploy (default: each config's spec.context)
  --kubeconfig FILE    kubeconfig file
  --in-cluster         use the pod's service account
  --from-git URL       each tick deploys a fresh shallow clone of URL (with --revision)
  --revision REV       branch, tag or commit for --from-git (default main)
  --root DIR           repository root (default: nearest .plumbing.yaml or .git)
  -h, --help           show this help

Exit codes: 0 stopped by a signal, 1 error at start, 2 usage error.
`;

export async function scheduleCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('schedule', () => parse(argv));
  const { values } = parsed;
  if (values.help) {
    io.stdout(SCHEDULE_HELP);
    return 0;
  }
  if (values.revision && !values['from-git']) throw new UsageError('--revision goes with --from-git');
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const { JobRegistry, scheduledClusters, startScheduler } = await import('@plumbing/deploy');
  const only = values.cluster;
  if (only) for (const name of only) if (!scheduledClusters(root).some((c) => c.cluster === name)) throw new UsageError(`cluster ${name} has no spec.schedule in clusters/${name}/cluster.yaml`);
  const log = (line: string) => io.stderr(`${line}\n`);
  const registry = new JobRegistry();
  for (const job of await scheduledJobs(root, values, io, log)) registry.register(job);
  if (registry.jobs().length === 0) {
    io.stderr('no cluster has a spec.schedule: nothing to run\n');
    return 0;
  }
  // The handlers go in before the scheduler starts: it logs each job as it registers it, and a
  // SIGTERM in between would otherwise kill the process with no exit code.
  let scheduler: Awaited<ReturnType<typeof startScheduler>> | undefined;
  let stopAsked = false;
  const stop = () => {
    stopAsked = true;
    void scheduler?.stop();
  };
  const onSignal = (sig: string) => {
    log(`${sig}: stopping`);
    stop();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    scheduler = await startScheduler(registry, { log });
    if (stopAsked) void scheduler.stop();
    await scheduler.stopped;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  log('stopped');
  return 0;
}

export interface ScheduleJobOptions {
  cluster?: string[] | undefined;
  context?: string | undefined;
  kubeconfig?: string | undefined;
  'in-cluster'?: boolean | undefined;
  'from-git'?: string | undefined;
  revision?: string | undefined;
}

/** The one job list: the deploy of every scheduled cluster and (without a cluster filter) every nightly release. `plumbing serve` runs the same list. */
export async function scheduledJobs(
  root: string,
  values: ScheduleJobOptions,
  io: Io,
  log: (line: string) => void,
  onReleased?: (r: { project: string; version: string; commit: string; bucketPrefix: string }) => void,
): Promise<import('@plumbing/deploy').ScheduledJob[]> {
  const { runClusterDeploy, scheduledClusters } = await import('@plumbing/deploy');
  const only = values.cluster;
  const jobs: import('@plumbing/deploy').ScheduledJob[] = [];
  for (const { cluster, schedule } of scheduledClusters(root).filter((c) => !only || only.includes(c.cluster))) {
    jobs.push({
      name: `deploy/${cluster}`,
      schedule,
      timezone: 'Etc/UTC',
      async run(signal) {
        const r = await runClusterDeploy({
          root,
          cluster,
          fromGit: values['from-git'] ? { url: values['from-git'], revision: values.revision ?? 'main' } : undefined,
          connect: { kubeconfig: values.kubeconfig, context: values.context, inCluster: values['in-cluster'] },
          mode: 'deploy',
          log: (l) => log(`deploy/${cluster}: ${l}`),
          env: io.env,
          signal,
        });
        if (r.outcome === 'rolled-back' || r.outcome === 'quarantined') throw new Error(r.message.split('\n')[0]);
        return r.message;
      },
    });
  }
  if (!only) {
    const { nightlyReleaseJobs } = await import('@plumbing/release');
    jobs.push(...nightlyReleaseJobs(root, { env: io.env, log, ...(onReleased ? { onReleased } : {}) }));
  }
  return jobs;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      cluster: { type: 'string', multiple: true },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      'from-git': { type: 'string' },
      revision: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
