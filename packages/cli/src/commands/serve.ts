import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const SERVE_HELP = `Usage: plumbing serve [CLUSTER] [options]

Runs pull-request CI as a long-running HTTP service from the cluster's own Triggers YAML
(clusters/<CLUSTER>/triggers/; default: the only cluster under clusters/). GitHub webhooks sent
to POST /hooks/<event-listener-name> go through that EventListener with Tekton Triggers'
semantics (GitHub and CEL interceptors, bindings, templates); the runs it creates are stored,
queued and run here by the embedded executor, and their commit statuses link to
<public-url>/runs/<name>. Settings: spec.serve of clusters/<CLUSTER>/cluster.yaml (docs/serve.md).

HTTP: POST /hooks/NAME; GET /api/v1/runs[?repository=&pullRequest=&job=&kind=&state=&cursor=&limit=];
GET /api/v1/runs/NAME; GET /api/v1/runs/NAME/logs/TASK/STEP[?follow=1] (Range supported);
POST /api/v1/runs/NAME/cancel|rerun (Authorization: Bearer <spec.serve.apiTokenSecret>; rerun
with {"failedOnly": true} reruns only the failed tasks, reusing what succeeded);
GET /healthz; GET /metrics.
Dashboard (HTML): GET / (runs), /repositories, /jobs, /runs/NAME, /runs/NAME/logs/TASK/STEP; sign-in
with GitHub and private repositories: spec.serve.dashboard (docs/dashboard.md); static pages:
plumbing dashboard export DIR.

Options:
  --port N             listen on port N (default 8080; 0 picks a free port)
  --host ADDR          listen address (default 0.0.0.0)
  --secrets DIR        Secrets as Kubernetes mounts them: DIR/<secret-name>/<key>
  --db TARGET          a SQLite file or a postgres:// URL (default .plumbing/serve.db)
  --public-url URL     base of the run links (default spec.serve.publicUrl, else http://localhost:PORT)
  --grace SECONDS      on SIGTERM, how long running runs may finish before they are put back in
                       the queue (default 30)
  --no-sandbox         run steps without bubblewrap
  --backend B          embedded (default): runs execute here with the embedded executor;
                       cluster: each run's PipelineRun is created on the cluster through the kube
                       API and followed (status, TaskRuns, steps, pod logs) — Tekton runs it
  --namespace NS       with --backend cluster: the namespace of the PipelineRuns (default: the
                       one the TriggerTemplate gives the run)
  --context CTX        with --backend cluster: the kubeconfig context (default: the current one)
  --in-cluster         with --backend cluster: use the pod's service account (the Deployment in
                       clusters/dogfooding/serve/)
  --no-schedule        do not run the periodic jobs (by default the jobs of plumbing schedule —
                       scheduled deploys, nightly releases and their postReleaseTests — and the
                       nightly image builds of spec.serve.nightlyImages run here, each tick a
                       periodic run)
  --format json        print the startup line as JSON ({url, cluster, listeners})
  --root DIR           repository root (default: nearest .plumbing.yaml or .git)
  -h, --help           show this help

Pull requests: an untrusted author's runs wait for /ok-to-test; comments /test /retest /cancel
/ok-to-test /hold /unhold /build-image are answered (spec.serve holds the policy); while a pull
request is held its new runs wait, held, until /unhold. With a GitHub App (spec.serve.githubApp)
check runs are sent instead of commit statuses. Open pull requests are reconciled with GitHub's
at start and every spec.serve.reconcileMinutes (a missed 'closed' delivery).
Without a GitHub token (spec.serve.githubTokenSecret in --secrets) statuses are logged, not sent,
and pull requests run without secrets (their authors cannot be trust-checked).
On SIGTERM or SIGINT: no new deliveries are accepted (503), running runs get the grace period,
the rest are put back in the queue for the next start. A run that was executing when the
service died is marked failed (ServiceRestarted) at the next start; with replicas on PostgreSQL,
a run whose replica died is marked failed (ServiceLost) by another once its lease
(spec.serve.leaseSeconds) expires.

Exit codes: 0 stopped by a signal, 1 error at start, 2 usage error.
`;

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOrUsage('serve', () => parse(argv));
  if (values.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one cluster at most, got ${positionals.join(' ')}`);
  if (values.format !== undefined && values.format !== 'json' && values.format !== 'text') throw new UsageError(`--format is text or json, got ${values.format}`);
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${values.port}`);
  const grace = values.grace === undefined ? 30 : Number(values.grace);
  if (!Number.isFinite(grace) || grace < 0) throw new UsageError(`--grace must be seconds >= 0, got ${values.grace}`);
  const backendKind = values.backend ?? 'embedded';
  if (backendKind !== 'embedded' && backendKind !== 'cluster') throw new UsageError(`--backend is embedded or cluster, got ${backendKind}`);
  if (backendKind === 'embedded' && (values.namespace !== undefined || values.context !== undefined || values['in-cluster'])) {
    throw new UsageError('--namespace, --context and --in-cluster go with --backend cluster');
  }
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const { clusterBackend, postReleaseStarter, startServe } = await import('@plumbing/serve');
  let backend: ReturnType<typeof clusterBackend> | undefined;
  if (backendKind === 'cluster') {
    const { connectPipelineRunApi } = await import('@plumbing/kube');
    const api = connectPipelineRunApi({ context: values.context, inCluster: values['in-cluster'] ?? false });
    backend = clusterBackend({ api, root, ...(values.namespace ? { namespace: values.namespace } : {}) });
  }
  const { dashboardPages } = await import('@plumbing/dashboard');
  const log = (line: string) => io.stderr(`${new Date().toISOString()} ${line}\n`);
  // a nightly release that released starts the Release's postReleaseTests in the service (bound once it runs)
  let onReleased: ((r: import('@plumbing/serve').Released) => void) | undefined;
  const jobs = values['no-schedule'] ? [] : await (await import('./schedule.js')).scheduledJobs(root, {}, io, log, (r) => onReleased?.(r));
  const svc = await startServe({
    jobs,
    pages: dashboardPages({ jobs }),
    root, port, log,
    ...(positionals[0] ? { cluster: positionals[0] } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.secrets ? { secretsDir: resolve(io.cwd, values.secrets) } : {}),
    ...(values.db ? { db: /^postgres(ql)?:\/\//.test(values.db) ? values.db : resolve(io.cwd, values.db) } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['no-sandbox'] ? { sandbox: false } : {}),
    ...(backend ? { backend } : {}),
    ...(values['no-schedule'] ? { nightlyImages: false } : {}),
  });
  onReleased = postReleaseStarter(svc.core, log);
  const ready = { url: `http://localhost:${svc.port}`, cluster: svc.core.opts.cluster, listeners: svc.core.listenerNames() };
  io.stdout(values.format === 'json' ? `${JSON.stringify(ready)}\n` : `serving ${ready.cluster} on ${ready.url} (POST ${ready.url}/hooks/${ready.listeners[0] ?? 'NAME'})\n`);
  await new Promise<void>((done) => {
    const stop = (sig: string) => {
      log(`${sig}: stopping (running runs get ${grace} s, then go back to the queue)`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      void svc.close(grace * 1000).then(done);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    io.signal.addEventListener('abort', () => stop('abort'), { once: true });
  });
  log('stopped');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      secrets: { type: 'string' },
      db: { type: 'string' },
      'public-url': { type: 'string' },
      grace: { type: 'string' },
      'no-sandbox': { type: 'boolean' },
      'no-schedule': { type: 'boolean' },
      backend: { type: 'string' },
      namespace: { type: 'string' },
      context: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      format: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
