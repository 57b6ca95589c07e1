import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { durationFlag, parseOrUsage } from '../args.js';
import type { Io } from '../io.js';

export const GC_HELP = `Usage: plumbing gc --namespace NS [options]

Deletes old PipelineRuns and TaskRuns of a namespace on a cluster, keeping the newest N runs of
each pipeline (and of each task, for TaskRuns not made by a PipelineRun). Dry by default: it
prints what it would delete; --apply deletes.

It never deletes: a run that is still running (or has no completion time), one of the newest N
of its pipeline/task (N ≥ 1, so the latest of each scheduled job always stays), a run completed
less than --min-age ago, a run annotated plumbing.dev/gc: keep, or a TaskRun that belongs to a
PipelineRun (it goes with its PipelineRun).

Options:
  -n, --namespace NS   the namespace (required)
  --keep N             runs kept per pipeline/task (default 10, at least 1)
  --min-age AGE        only delete runs completed at least AGE ago, e.g. 72h, 7d (default 24h)
  --apply              delete (without it, nothing is deleted)
  --context NAME       kube context (default: the current one)
  --kubeconfig FILE    kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
  --in-cluster         use the pod's service account (the cleanup CronJob)
  --format FORMAT      text (default) or json: {decisions, deleted, ownedTaskRuns, alreadyGone}
  -h, --help           show this help

Exit codes: 0 done (or nothing to do), 1 error, 2 usage error.
`;

export async function gcCommand(argv: string[], io: Io): Promise<number> {
  const v = parseOrUsage('gc', () => parse(argv)).values;
  if (v.help) {
    io.stdout(GC_HELP);
    return 0;
  }
  if (!v.namespace) throw new UsageError('gc needs --namespace', 'see plumbing gc --help');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  const keep = v.keep === undefined ? 10 : Number(v.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be a whole number ≥ 1, got ${v.keep}`, 'gc always keeps the newest run of each pipeline');
  if (v['in-cluster'] && (v.context || v.kubeconfig)) throw new UsageError('--in-cluster excludes --context and --kubeconfig');
  const minAgeMs = durationFlag('min-age', v['min-age'] ?? '24h');
  const { formatGc, runGc } = await import('@plumbing/gc');
  const { KubeClient } = await import('@plumbing/kube');
  const port = await KubeClient.connect({ kubeconfig: v.kubeconfig, context: v.context, inCluster: v['in-cluster'] });
  try {
    const apply = v.apply ?? false;
    const result = await runGc(port, { namespace: v.namespace, keep, minAgeMs, now: new Date(), apply });
    io.stdout(format === 'json' ? `${JSON.stringify(result)}\n` : formatGc(result, apply));
    return 0;
  } finally {
    port.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      keep: { type: 'string' },
      'min-age': { type: 'string' },
      apply: { type: 'boolean' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
