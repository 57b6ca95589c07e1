import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeployResult } from '@plumbing/deploy';
import { PlumbingError, UsageError } from '@plumbing/model';
import { durationFlag, parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const DEPLOY_HELP = `Usage: plumbing deploy CLUSTER [options]
       plumbing deploy history CLUSTER [--format json]
       plumbing deploy rollback CLUSTER [--to REVISION]

Deploys what clusters/CLUSTER/cluster.yaml lists (see plumbing render CLUSTER) to its cluster:
  1. no-op fast path: when the set is the one last deployed and nothing drifted, exits 0 saying
     "no changes" (a few API calls per kind, whatever the number of objects); otherwise the
     pre-deploy check: the rules of plumbing check over the sources (an error stops here);
  2. takes the cluster's Lease in the state namespace (one deploy at a time);
  3. plans with a server-side dry run: each object created, updated (with a diff), unchanged,
     or pruned;
  4. applies with server-side apply (field manager "plumbing"): Namespaces and CRDs (waited until
     Active / Established), then RBAC and configuration, then everything else; then the health
     checks and post-deploy tests of the config; then prunes what left the repository (never
     Namespaces, CRDs or PVCs unless the config allows it; annotation plumbing.dev/prune: disabled
     opts an object out);
  5. stores the rendered set as a revision in the cluster. When a gate fails, the last good
     revision is re-applied, and the failed one is quarantined: later runs skip it until a newer
     commit or different content arrives.
Any API or diff error fails the run: it is never read as "no changes".

Options:
  --dry-run            print the plan only (server-side dry run; read-only)
  --exit-code          with --dry-run: exit 3 when changes are pending
  --save-plan FILE     also write the plan (and outcome) as JSON to FILE: a run artifact
  --format FORMAT      text (default) or json: one JSON object {outcome, cluster, hash, commit,
                       revision, message, plan, calls}, also on failure ({outcome: "error", error})
  --context NAME       kube context (default: the config's spec.context)
  --kubeconfig FILE    kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
  --in-cluster         use the pod's service account
  --from-git URL       deploy from a shallow clone of URL (with --revision) instead of the working tree
  --revision REV       branch, tag or commit for --from-git (default main)
  --wait-lock DURATION wait this long for another deploy's lease (e.g. 10m; default 0: exit at once)
  --force              skip the no-op fast path and the quarantine of failed revisions, and
                       adopt objects outside the inventory whose fields other managers set
  --skip-check         skip the pre-deploy check (the rules of plumbing check over the sources;
                       an error refuses the deploy before any change)
  --to REVISION        rollback: the revision to go back to (default: the previous good one)
  --concurrency N      objects applied at once within a stage (default 16)
  --root DIR           repository root (default: nearest .plumbing.yaml or .git)
  -h, --help           show this help

Failures are reported as the config's spec.notify says (webhook, GitHub issue, commit status;
GitHub needs GITHUB_TOKEN, and GITHUB_API_URL for another server).

Exit codes: 0 deployed, no changes, or planned; 1 error, failed deploy (rolled back) or a
quarantined revision; 2 usage error; 3 changes pending (with --dry-run --exit-code).
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'dry-run': { type: 'boolean' },
      'exit-code': { type: 'boolean' },
      'save-plan': { type: 'string' },
      format: { type: 'string' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      'from-git': { type: 'string' },
      revision: { type: 'string' },
      'wait-lock': { type: 'string' },
      force: { type: 'boolean' },
      'skip-check': { type: 'boolean' },
      to: { type: 'string' },
      concurrency: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function outcomeCode(r: DeployResult, exitCode: boolean): number {
  if (r.outcome === 'rolled-back' || r.outcome === 'quarantined' || r.outcome === 'superseded') return 1;
  if (r.outcome === 'planned' && exitCode && r.plan && r.plan.counts.create + r.plan.counts.update + r.plan.counts.prune > 0) return 3;
  return 0;
}

export async function deployCommand(argv: string[], io: Io): Promise<number> {
  const json = argv.includes('json') && argv.some((a) => a === '--format' || a.startsWith('--format='));
  try {
    return await deployInner(argv, io);
  } catch (e) {
    if (json && e instanceof PlumbingError) {
      io.stdout(`${JSON.stringify({ outcome: 'error', error: { code: e.code, message: e.message } }, null, 2)}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

async function deployInner(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('deploy', () => parse(argv));
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(DEPLOY_HELP);
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  const sub = positionals[0] === 'history' || positionals[0] === 'rollback' ? positionals[0] : undefined;
  const names = sub ? positionals.slice(1) : positionals;
  if (names.length !== 1) throw new UsageError(`expected one CLUSTER, got ${names.length}`, 'see plumbing deploy --help');
  const cluster = names[0]!;
  if (values['exit-code'] && !values['dry-run']) throw new UsageError('--exit-code goes with --dry-run');
  if (values.revision && !values['from-git']) throw new UsageError('--revision goes with --from-git');
  if (values.to !== undefined && sub !== 'rollback') throw new UsageError('--to goes with deploy rollback');
  const to = values.to === undefined ? undefined : Number(values.to);
  if (to !== undefined && (!Number.isInteger(to) || to < 1)) throw new UsageError(`--to ${values.to}: expected a revision number`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError(`--concurrency ${values.concurrency}: expected a whole number ≥ 1`);
  // Loaded here, not at the top: plumbing check and --help should not load the deploy engine.
  const { formatPlan, runClusterDeploy } = await import('@plumbing/deploy');
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const connect = { kubeconfig: values.kubeconfig, context: values.context, inCluster: values['in-cluster'] };
  const log = (line: string) => io.stderr(`${line}\n`);

  if (sub === 'history') return history(root, cluster, connect, format, io);

  const result = await runClusterDeploy({
    root,
    cluster,
    fromGit: values['from-git'] ? { url: values['from-git'], revision: values.revision ?? 'main' } : undefined,
    connect,
    mode: sub === 'rollback' ? 'rollback' : values['dry-run'] ? 'dry-run' : 'deploy',
    to,
    force: values.force ?? false,
    check: !values['skip-check'],
    ...(values['wait-lock'] ? { waitLockMs: durationFlag('wait-lock', values['wait-lock']) } : {}),
    ...(concurrency ? { concurrency } : {}),
    log,
    env: io.env,
    signal: io.signal,
  });
  const json = `${JSON.stringify(result, (k, v) => (k === 'error' && v instanceof PlumbingError ? { code: v.code, message: v.message } : v), 2)}\n`;
  if (values['save-plan']) writeFileSync(resolve(io.cwd, values['save-plan']), json);
  if (format === 'json') io.stdout(json);
  else {
    if (result.plan && (result.outcome === 'planned' || result.outcome === 'deployed')) io.stdout(formatPlan(result.plan));
    (result.outcome === 'rolled-back' || result.outcome === 'quarantined' ? io.stderr : io.stdout)(`${result.message}\n`);
  }
  return outcomeCode(result, values['exit-code'] ?? false);
}

async function history(root: string, cluster: string, connect: { kubeconfig?: string | undefined; context?: string | undefined; inCluster?: boolean | undefined }, format: string, io: Io): Promise<number> {
  const { connectFor, listHistory, loadClusterConfig, readInventory } = await import('@plumbing/deploy');
  const config = loadClusterConfig(root, cluster);
  const ns = config.spec?.stateNamespace ?? 'plumbing-system';
  const port = await connectFor(config, connect);
  try {
    const [records, state] = await Promise.all([listHistory(port, cluster, ns), readInventory(port, cluster, ns)]);
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ cluster, current: state.lastGood?.revision ?? null, revisions: records, quarantined: state.bad }, null, 2)}\n`);
      return 0;
    }
    if (records.length === 0) io.stderr(`${cluster}: nothing deployed yet\n`);
    for (const r of records) {
      const mark = r.revision === state.lastGood?.revision ? '*' : ' ';
      io.stdout(`${mark} ${String(r.revision).padStart(4)}  ${r.time}  ${r.hash.slice(0, 12)}  ${(r.commit ?? '-').slice(0, 12).padEnd(12)}  ${String(r.objects).padStart(5)} objects${r.rollbackOf ? `  (rollback to ${r.rollbackOf})` : ''}\n`);
    }
    for (const b of state.bad) io.stdout(`quarantined ${b.hash.slice(0, 12)}${b.commit ? ` (commit ${b.commit.slice(0, 12)})` : ''} since ${b.time}: ${b.reason.split('\n')[0]}\n`);
    return 0;
  } finally {
    port.close();
  }
}
