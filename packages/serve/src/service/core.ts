/**
 * The service's core, wired once: the cluster's listeners, the store, the runner, the status
 * reporter and the metrics. The HTTP layer and the CLI only call into it.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { loadRepository, PlumbingError, type ResourceDoc } from '@plumbing/model';
import type { PrPolicy, RunFacts as PrRunFacts } from '@plumbing/pr';
import type { Db } from '../store/db.js';
import { type RunRow, Store } from '../store/store.js';
import type { SecretReader } from '../triggers/cel-env.js';
import { type ResolvedListener, resolveListener } from '../triggers/listener.js';
import type { ServeSettings } from './config.js';
import { type Backend, embeddedBackend } from './embedded.js';
import { type GitHubAccess, githubAccess } from './github-access.js';
import { handleHook, type HookResponse, type IntakeContext, listenerUid, processDelivery } from './intake.js';
import { createMetrics, type Metrics } from './metrics.js';
import { notifyRun } from './notify.js';
import { applyRetention, type RetentionOutcome } from './retention.js';
import { deliveryPolicy } from './pr-services.js';
import { heldRun, holdPullRequest, unholdPullRequest } from './holds.js';
import { reconcilePullRequests } from './reconcile.js';
import type { PullRequestState } from '../store/pull-requests.js';
import type { TrustCache } from './trust-gate.js';
import { prRunFacts, type ReportContext, reportRun } from './report.js';
import { type RerunOptions, rerunRun } from './rerun.js';
import { Runner } from './runner.js';
import { secretsFromDir, secretValuesOf } from './secrets.js';

export interface CoreOptions {
  root: string;
  cluster: string;
  db: Db;
  settings: ServeSettings;
  secretsDir?: string;
  log: (line: string) => void;
  /** Replaces the embedded executor (the cluster backend; tests of the queue use a controllable backend). */
  backend?: Backend;
  sandbox?: boolean;
}

export class Core {
  readonly store: Store;
  readonly runner: Runner;
  readonly metrics: Metrics;
  readonly secrets: SecretReader;
  stopping = false;
  /** 'run' (a RunRow, on every state change), 'step' (a TaskRun or step started or ended, once stored) and 'reported' (a RunRow whose status was reported): tests and the CLI wait on them. */
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly access: GitHubAccess | undefined;
  readonly canRetryFailed: boolean;
  /** OWNERS and authors' facts per repository, kept a minute (the trust gate's). */
  readonly trustCache: TrustCache = new Map();
  private listeners = new Map<string, ResolvedListener>();
  private retaining: Promise<RetentionOutcome> | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<PullRequestState[]> | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private readonly reporting = new Map<string, Promise<void>>();
  private readonly reportSeq = new Map<string, number>();

  constructor(readonly opts: CoreOptions) {
    this.store = new Store(opts.db);
    this.secrets = secretsFromDir(opts.secretsDir);
    this.metrics = createMetrics(this.store);
    this.access = githubAccess(opts.settings, this.secrets, opts.log);
    const backend = opts.backend ?? embeddedBackend({ root: opts.root, ...(opts.secretsDir ? { secretsDir: opts.secretsDir } : {}), ...(opts.sandbox === undefined ? {} : { sandbox: opts.sandbox }) });
    this.canRetryFailed = backend.retriesFailed === true;
    this.runner = new Runner(this.store, backend, { ...opts.settings.concurrency, queueTimeoutMs: opts.settings.queueTimeoutMs, leaseMs: opts.settings.leaseMs }, {
      onStart: (run) => {
        this.metrics.webhookToStart.observe({ kind: run.kind }, (Date.parse(run.started ?? run.created) - Date.parse(run.created)) / 1000);
        opts.log(`run ${run.name} started`);
        this.events.emit('run', run);
        void this.report(run);
      },
      onStep: (run, e) => this.events.emit('step', { run: run.name, ...e }),
      onEnd: (run) => {
        if (run.started && run.finished) this.metrics.runDuration.observe({ kind: run.kind, state: run.state }, (Date.parse(run.finished) - Date.parse(run.started)) / 1000);
        opts.log(`run ${run.name} ${run.state}${run.reason ? ` (${run.reason})` : ''}`);
        this.events.emit('run', run);
        void this.report(run);
      },
    });
    this.watchFinals();
  }

  /** Notifies a finished periodic or default-branch run (then emits 'notified' with the run). */
  async notify(run: RunRow): Promise<void> {
    const o = this.opts;
    await notifyRun({ store: this.store, settings: o.settings, root: o.root, access: this.access, secrets: this.secrets, secretValues: () => this.secretValues(), log: o.log }, run);
    this.events.emit('notified', run);
  }

  private watchFinals(): void {
    this.events.on('run', (run: RunRow) => {
      if ((run.kind === 'periodic' || run.defaultBranch) && (run.state === 'succeeded' || run.state === 'failed')) void this.notify(run);
    });
  }

  get root(): string {
    return this.opts.root;
  }

  apiToken(): string | undefined {
    const ref = this.opts.settings.apiToken;
    return ref ? this.secrets(ref.name, ref.key) : undefined;
  }

  /** Loads the cluster's Triggers resources and resolves every EventListener. */
  async load(): Promise<void> {
    const { index } = await loadRepository(this.opts.root);
    const prefix = `clusters/${this.opts.cluster}/`;
    const docs = index.docs.filter((d) => d.file.startsWith(prefix));
    if (docs.length === 0) throw new PlumbingError('SERVE_CLUSTER', `no resources under ${prefix} (root ${this.opts.root})`);
    const lookup = (kind: string, name: string): ResourceDoc | undefined => docs.find((d) => d.kind === kind && d.name === name);
    this.listeners = new Map();
    for (const d of docs.filter((x) => x.kind === 'EventListener' && x.name)) {
      const l = resolveListener(d.name!, lookup, listenerUid(this.opts.cluster, d.name!));
      if (l) this.listeners.set(l.name, l);
    }
  }

  listenerNames(): string[] {
    return [...this.listeners.keys()];
  }

  /** The pull-request policy for a repository: an unset org means the repository's owner. */
  policyFor(repository: string): PrPolicy {
    const p = this.opts.settings.policy;
    if (p.org) return p;
    const owner = repository.split('/')[0] ?? '';
    return { ...p, org: owner, images: { ...p.images, registry: p.images.registry || `ghcr.io/${owner.toLowerCase()}` } };
  }

  listenerList(): ResolvedListener[] {
    return [...this.listeners.values()];
  }

  /** Every secret value in --secrets (reports and issues are redacted with them). */
  secretValues(): string[] {
    return secretValuesOf(this.opts.secretsDir);
  }

  reportContext(): ReportContext {
    return { store: this.store, settings: this.opts.settings, root: this.opts.root, access: this.access, log: this.opts.log, secretValues: () => this.secretValues(), policyFor: (r) => this.policyFor(r) };
  }

  prRunFacts(run: RunRow): Promise<PrRunFacts> {
    return prRunFacts(this.store, this.opts.root, this.opts.settings, run);
  }

  intake(): IntakeContext {
    return {
      store: this.store, listeners: this.listeners, secrets: this.secrets, privateRepositories: new Set(this.opts.settings.privateRepositories), onRun: (run) => this.submit(run),
      policy: deliveryPolicy(this), log: this.opts.log,
    };
  }

  async hook(name: string, headers: IncomingHttpHeaders, raw: string, url: string): Promise<HookResponse> {
    const r = await handleHook(this.intake(), name, headers, raw, url);
    this.metrics.webhooks.inc({ event: r.event, outcome: r.outcome });
    return r;
  }

  /** A new queued run: older runs it supersedes are cancelled, pending (or held) is reported, the queue moves. */
  async submit(queued: RunRow): Promise<void> {
    const held = await heldRun(this.store, queued);
    const run = held ?? queued;
    this.opts.log(`run ${run.name} ${held ? `held by @${held.heldBy}` : 'queued'} (${run.kind} ${run.job}${run.repository ? ` ${run.repository}` : ''}${run.pullRequest !== null ? `#${run.pullRequest}` : ''})`);
    this.events.emit('run', run);
    // Not awaited: the delivery is answered without waiting for GitHub; reports of one run stay in order.
    void this.report(run);
    if (!held) await this.runner.submit(run);
    if (run.supersedeKey) {
      for (const old of await this.store.activeRunsOf(run.supersedeKey)) {
        if (old.name === run.name || old.created > run.created) continue;
        await this.runner.cancel(old.name, 'Superseded', `superseded by ${run.name} (a newer push to ${run.repository}#${run.pullRequest})`);
      }
    }
  }

  /** `/hold`: the pull request's new and queued runs wait (held) until `unhold`. */
  hold(repository: string, number: number, by: string): Promise<RunRow[]> {
    return holdPullRequest(this, repository, number, by);
  }

  /** `/unhold`: the pull request's held runs go to the queue. */
  unhold(repository: string, number: number, by: string): Promise<RunRow[]> {
    return unholdPullRequest(this, repository, number, by);
  }

  /** One pass of reconciling the stored open pull requests with GitHub's (coalesced); returns those recorded closed. */
  reconcile(): Promise<PullRequestState[]> {
    this.reconciling ??= reconcilePullRequests({ store: this.store, access: this.access, runner: this.runner, log: this.opts.log }).finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private startReconcile(): void {
    if (!this.access) return;
    const pass = () => void this.reconcile().catch((e: unknown) => this.opts.log(`reconciling pull requests with GitHub failed: ${e instanceof Error ? e.message : String(e)}`));
    this.reconcileTimer = setInterval(pass, this.opts.settings.reconcileMs);
    this.reconcileTimer.unref();
    pass();
  }

  /** Queues a rerun of a stored run: all of it, or with `failedOnly` only what failed (reusing what succeeded). */
  rerunRun(name: string, opts: RerunOptions = {}): Promise<RunRow> {
    return rerunRun(this, name, opts);
  }

  /**
   * Reports a run's status. Reports of one run go out in order, and one that a newer report of
   * the same run supersedes before it is sent is dropped (queued → running → succeeded within a
   * moment sends what is current, not three calls in a row); a final state is always sent.
   */
  report(run: RunRow): Promise<void> {
    const seq = (this.reportSeq.get(run.name) ?? 0) + 1;
    this.reportSeq.set(run.name, seq);
    const prev = this.reporting.get(run.name) ?? Promise.resolve();
    const next = prev.then(async () => {
      // GitHub hears of a state only once it is stored (committed at the end of this turn).
      try {
        await this.store.durable();
      } catch (e) {
        this.opts.log(`status for ${run.name} not reported: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      const superseded = this.reportSeq.get(run.name) !== seq && (run.state === 'queued' || run.state === 'running');
      if (superseded) return;
      await reportRun(this.reportContext(), run);
      this.events.emit('reported', run);
    });
    this.reporting.set(run.name, next);
    void next.then(() => {
      if (this.reporting.get(run.name) === next) {
        this.reporting.delete(run.name);
        this.reportSeq.delete(run.name);
      }
    });
    return next;
  }

  /** Start-up: migrations, orphaned runs failed (and reported), stored-but-unprocessed deliveries processed, the queue started. */
  async start(): Promise<void> {
    await this.store.migrate();
    await this.load();
    const { failed, resumed } = await this.runner.recover();
    for (const r of failed) this.opts.log(`run ${r.name} was executing when the service stopped: marked failed (${r.reason})`);
    for (const r of resumed) this.opts.log(`run ${r.name} was being followed when the service stopped: followed again`);
    for (const d of await this.store.deliveriesInState('received')) await processDelivery(this.intake(), d, `http://localhost/hooks/${d.listener}`);
    void this.runner.kick();
    this.runner.startLeases((e) => this.opts.log(`lease pass failed: ${e instanceof Error ? e.message : String(e)}`));
    this.startRetention();
    this.startReconcile();
  }

  /** One retention pass (spec.serve.retention); undefined when retention is not configured. */
  async retention(now = new Date()): Promise<RetentionOutcome | undefined> {
    const r = this.opts.settings.retention;
    if (!r) return undefined;
    this.retaining ??= applyRetention(this.store, this.opts.root, r, now, this.opts.log).finally(() => {
      this.retaining = undefined;
    });
    return this.retaining;
  }

  private startRetention(): void {
    const r = this.opts.settings.retention;
    if (!r) return;
    if (!r.bucket) this.opts.log('warning: spec.serve.retention has no bucket: the logs of deleted runs are not kept anywhere');
    const pass = () => void this.retention().catch((e: unknown) => this.opts.log(`retention failed: ${e instanceof Error ? e.message : String(e)}`));
    this.retentionTimer = setInterval(pass, r.intervalMs);
    this.retentionTimer.unref();
    pass();
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    clearInterval(this.reconcileTimer);
    await this.retaining;
    await this.reconciling?.catch(() => undefined);
    await this.runner.stop(graceMs);
    await this.store.close();
  }
}

export function defaultDbFile(root: string): string {
  return join(root, '.plumbing', 'serve.db');
}
