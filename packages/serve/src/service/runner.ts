/**
 * The queue and the runner: runs wait in the store's queue and start when the global and
 * per-repository limits allow; a run that waits past its deadline fails (nothing stays queued
 * forever); cancelling a running run aborts it. On start-up, a run that was executing when the
 * service died is marked failed with the reason, and queued runs without a queue entry return
 * to the queue (held ones stay held). On stop, running runs are aborted and put back in the queue
 * (persisted).
 *
 * Replicas sharing one PostgreSQL store: each renews a lease on the runs it runs; a run still
 * `running` past its lease belongs to a replica that died, and the next replica to see it takes
 * it over. With the embedded executor it is marked failed (ServiceLost), not restarted: its steps
 * ran on the dead replica's machine, against its workspace, and may have had effects (a push, a
 * release) that must not happen twice behind anyone's back; `/retest` or a rerun starts it again
 * on purpose. With a resumable backend (a cluster, where Tekton kept running it) it goes back to
 * the queue and is followed again.
 */
import { hostname } from 'node:os';
import { expiredLeases, renewLease } from '../store/leases.js';
import type { RunRow, RunState, Store } from '../store/store.js';
import type { Backend, ExecuteResult, StepEvent } from './embedded.js';

export interface RunnerLimits {
  /** Runs executing at once, all repositories. */
  global: number;
  /** Runs executing at once per repository. */
  perRepository: number;
  /** How long a run may wait in the queue. */
  queueTimeoutMs: number;
  /** How long a running run's lease lasts unless renewed (renewed every third of it); default 30 s. */
  leaseMs?: number;
}

export interface RunnerHooks {
  onStart?: (run: RunRow) => void;
  /** A TaskRun or step started or ended, once it is in the store. */
  onStep?: (run: RunRow, e: StepEvent) => void;
  onEnd?: (run: RunRow) => void;
}

interface Active {
  run: RunRow;
  ac: AbortController;
  done: Promise<void>;
  /** Why it was aborted: cancelled by a user or a newer push, or stopped with the service. */
  abort?: { kind: 'cancel' | 'stop' | 'lost'; reason: string; message: string };
}

/** The abort reason a backend sees when the service stops (not a cancel): the cluster backend leaves the run to Tekton. */
export class ServiceStopping extends Error {
  constructor() {
    super('service stopping');
    this.name = 'ServiceStopping';
  }
}

/** `host:pid`: who executes a run. A run whose owner is this host and a dead pid was orphaned. */
export function ownerId(pid = process.pid): string {
  return `${hostname()}:${pid}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Runner {
  private readonly active = new Map<string, Active>();
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leasing: Promise<RunRow[]> | undefined;
  readonly owner = ownerId();

  constructor(
    private readonly store: Store,
    private readonly backend: Backend,
    private readonly limits: RunnerLimits,
    private readonly hooks: RunnerHooks = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  get running(): number {
    return this.active.size;
  }

  /**
   * Start-up: orphaned runs failed — or, with a resumable backend (a cluster, where the run went on
   * without us), back in the queue to be followed again — and queued runs back in the queue.
   * Returns the runs it failed and the runs it resumed.
   */
  async recover(): Promise<{ failed: RunRow[]; resumed: RunRow[] }> {
    const failed: RunRow[] = [];
    const resumed: RunRow[] = [];
    // A SQLite store is one process's (a replaced pod comes back with a new hostname on the same
    // claim): another host's runs are orphans too. On PostgreSQL another host may be a live replica.
    const otherHostsAreGone = this.store.db.dialect === 'sqlite';
    for (const run of await this.store.runsInState(['running'])) {
      // no owner: not started by a runner (a record brought in as it is), not ours to recover
      if (!run.owner) continue;
      const [host, pid] = run.owner.split(':');
      if (host !== hostname() ? !otherHostsAreGone : pid !== undefined && Number(pid) !== process.pid && pidAlive(Number(pid))) continue;
      const at = this.now().toISOString();
      if (this.backend.resumable) {
        const message = `plumbing serve (${run.owner ?? 'unknown'}) stopped while following this run; followed again`;
        if (await this.store.updateRun(run.name, { state: 'queued', started: null, owner: null, leaseExpires: null, reason: 'ServiceRestarted', message }, ['running'])) {
          // its queue deadline counts from now: it waited for no slot, it was running
          await this.store.enqueue(run.name, run.repository, run.created, this.deadline(at));
          resumed.push({ ...run, state: 'queued' });
        }
        continue;
      }
      const message = `plumbing serve (${run.owner ?? 'unknown'}) stopped while this run was executing; it did not finish and was not retried`;
      if (await this.store.updateRun(run.name, { state: 'failed', reason: 'ServiceRestarted', message, finished: at }, ['running'])) {
        const after = await this.store.getRun(run.name);
        if (after) failed.push(after);
      }
    }
    const inQueue = new Set((await this.store.queued(100_000)).map((q) => q.runName));
    for (const run of await this.store.runsInState(['queued'])) {
      if (!inQueue.has(run.name) && !run.heldBy) await this.store.enqueue(run.name, run.repository, run.created, this.deadline(run.created));
    }
    for (const r of failed) this.hooks.onEnd?.(r);
    return { failed, resumed };
  }

  deadline(from: string): string {
    return new Date(Date.parse(from) + this.limits.queueTimeoutMs).toISOString();
  }

  /** Adds a stored (queued) run to the queue and tries to start work; its deadline counts from `from` (default: its creation). */
  async submit(run: RunRow, from = run.created): Promise<void> {
    await this.store.enqueue(run.name, run.repository, run.created, this.deadline(from));
    this.kick();
  }

  get leaseMs(): number {
    return this.limits.leaseMs ?? 30_000;
  }

  private leaseUntil(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  /** Renews this replica's leases and takes expired ones over every third of the lease (until stop). */
  startLeases(onError: (e: unknown) => void): void {
    this.leaseTimer = setInterval(() => void this.leaseTick().catch(onError), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.leaseTimer.unref();
  }

  /** One lease pass: renews ours (a run no longer ours is let go here), takes expired ones over, moves the queue. Returns the runs it failed. */
  leaseTick(): Promise<RunRow[]> {
    this.leasing ??= (async () => {
      const until = this.leaseUntil();
      for (const a of [...this.active.values()]) {
        if (a.abort || (await renewLease(this.store, a.run.name, this.owner, until))) continue;
        a.abort = { kind: 'lost', reason: 'LeaseLost', message: 'another serve instance took this run over: its lease here expired' };
        a.ac.abort(new ServiceStopping());
      }
      const failed = await this.takeOver();
      // Work queued by a replica that died is started here: nobody else would kick the shared queue.
      void this.kick();
      return failed;
    })().finally(() => {
      this.leasing = undefined;
    });
    return this.leasing;
  }

  /** Runs of other replicas whose lease expired: failed (reported through onEnd), or back in the queue with a resumable backend. */
  private async takeOver(): Promise<RunRow[]> {
    const failed: RunRow[] = [];
    const at = this.now().toISOString();
    for (const run of await expiredLeases(this.store, at, this.owner)) {
      const match = { owner: run.owner, leaseExpires: run.leaseExpires ?? null };
      const lost = `the serve instance running it stopped (${run.owner}; its lease expired at ${run.leaseExpires} without being renewed)`;
      if (this.backend.resumable) {
        const fields = { state: 'queued' as const, started: null, owner: null, leaseExpires: null, reason: 'ServiceLost', message: `${lost}; followed again by ${this.owner}` };
        if (await this.store.updateRun(run.name, fields, ['running'], match)) await this.store.enqueue(run.name, run.repository, run.created, this.deadline(at));
        continue;
      }
      const fields = { state: 'failed' as const, reason: 'ServiceLost', message: `${lost}; it did not finish and was not retried`, finished: at };
      if (!(await this.store.updateRun(run.name, fields, ['running'], match))) continue;
      const after = await this.store.getRun(run.name);
      if (after) failed.push(after);
    }
    for (const r of failed) this.hooks.onEnd?.(r);
    return failed;
  }

  /** Starts whatever the limits allow; calls coalesce. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.pump();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async pump(): Promise<void> {
    const nowIso = this.now().toISOString();
    const perRepo = new Map<string, number>();
    for (const a of this.active.values()) perRepo.set(a.run.repository ?? '', (perRepo.get(a.run.repository ?? '') ?? 0) + 1);
    for (const q of await this.store.queued()) {
      if (this.stopped) return;
      if (q.deadline < nowIso) {
        await this.expire(q.runName, q.deadline);
        continue;
      }
      if (this.active.size >= this.limits.global) return;
      const repo = q.repository ?? '';
      if ((perRepo.get(repo) ?? 0) >= this.limits.perRepository) continue;
      if (!(await this.store.dequeue(q.runName))) continue;
      const run = await this.store.getRun(q.runName);
      if (!run || run.state !== 'queued') continue;
      perRepo.set(repo, (perRepo.get(repo) ?? 0) + 1);
      await this.start(run);
    }
  }

  private async expire(name: string, deadline: string): Promise<void> {
    if (!(await this.store.dequeue(name))) return;
    const msg = `waited in the queue until its deadline ${deadline} without a free slot`;
    if (await this.store.updateRun(name, { state: 'failed', reason: 'QueueTimeout', message: msg, finished: this.now().toISOString() }, ['queued'])) {
      const r = await this.store.getRun(name);
      if (r) this.hooks.onEnd?.(r);
    }
  }

  private async start(queued: RunRow): Promise<void> {
    const started = this.now().toISOString();
    const leaseExpires = this.leaseUntil();
    if (!(await this.store.updateRun(queued.name, { state: 'running', started, owner: this.owner, leaseExpires }, ['queued']))) return;
    const run: RunRow = { ...queued, state: 'running', started, owner: this.owner, leaseExpires };
    const ac = new AbortController();
    const entry: Active = { run, ac, done: Promise.resolve() };
    this.active.set(run.name, entry);
    entry.done = this.begin(entry).finally(() => {
      this.active.delete(run.name);
      this.kick();
    });
  }

  /** Executes once the start is committed (a run is never executing without being stored as running: a crash then fails it on restart). */
  private async begin(entry: Active): Promise<void> {
    try {
      await this.store.durable();
    } catch {
      // The start was not stored (the turn's commit failed): the run is still queued in the store and starts again.
      return;
    }
    this.hooks.onStart?.(entry.run);
    // Cancelled or stopped while the start was being committed: the backend is not called at all.
    if (entry.abort) await this.finish(entry, { state: 'failed', reason: 'Aborted', message: entry.abort.message, status: null, recordDir: '' });
    else await this.execute(entry);
  }

  private async execute(entry: Active): Promise<void> {
    const { run } = entry;
    const onStep = (e: StepEvent) => {
      const write =
        e.type === 'taskrun'
          ? this.store.upsertTaskRun({ runName: run.name, name: e.taskRun, pipelineTask: e.pipelineTask, state: e.state, started: e.state === 'running' ? e.at : null, finished: e.state === 'running' ? null : e.at })
          : this.store.upsertStep({ runName: run.name, taskRun: e.taskRun, name: e.step, state: e.state, logPath: e.logPath, exitCode: e.exitCode, started: e.state === 'running' ? e.at : null, finished: e.state === 'running' ? null : e.at });
      write.then(() => this.hooks.onStep?.(run, e)).catch(() => undefined);
    };
    let result: ExecuteResult;
    try {
      result = await this.backend(run, entry.ac.signal, onStep);
    } catch (e) {
      result = { state: 'failed', reason: 'InternalError', message: e instanceof Error ? e.message : String(e), status: null, recordDir: '' };
    }
    await this.finish(entry, result);
  }

  private async finish(entry: Active, result: ExecuteResult): Promise<void> {
    const { run } = entry;
    const finished = this.now().toISOString();
    const base = { status: result.status, recordDir: result.recordDir || null };
    // Taken over by another replica (our lease expired): the run's row is that replica's now.
    if (entry.abort?.kind === 'lost') return;
    if (entry.abort?.kind === 'stop') {
      // Persisted: back to the queue, run again after the restart.
      await this.store.updateRun(run.name, { ...base, state: 'queued', started: null, owner: null, leaseExpires: null, reason: entry.abort.reason, message: entry.abort.message }, ['running']);
      await this.store.enqueue(run.name, run.repository, run.created, this.deadline(finished));
      return;
    }
    const fields: Partial<RunRow> = entry.abort
      ? { ...base, state: 'cancelled', reason: entry.abort.reason, message: entry.abort.message, finished }
      : { ...base, state: result.state, reason: result.reason, message: result.message, finished };
    await this.store.updateRun(run.name, fields, ['running']);
    const after = await this.store.getRun(run.name);
    if (after) this.hooks.onEnd?.(after);
  }

  /** Cancels a queued or running run; false when it is already finished. */
  async cancel(name: string, reason: string, message: string): Promise<boolean> {
    const a = this.active.get(name);
    if (a) {
      a.abort = { kind: 'cancel', reason, message };
      a.ac.abort(new Error(message));
      await a.done;
      return true;
    }
    await this.store.dequeue(name);
    const ok = await this.store.updateRun(name, { state: 'cancelled', reason, message, finished: this.now().toISOString() }, ['queued']);
    if (ok) {
      const r = await this.store.getRun(name);
      if (r) this.hooks.onEnd?.(r);
    }
    return ok;
  }

  /** Is this run executing here? */
  isActive(name: string): boolean {
    return this.active.has(name);
  }

  /** Stops: no new starts; running runs get `graceMs` to finish, then are aborted and re-queued. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.leaseTimer);
    await this.leasing;
    await this.pumping;
    const all = [...this.active.values()];
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((res) => {
      timer = setTimeout(res, graceMs);
    });
    await Promise.race([Promise.all(all.map((a) => a.done)), grace]);
    clearTimeout(timer);
    for (const a of this.active.values()) {
      a.abort = { kind: 'stop', reason: 'ServiceStopped', message: 'plumbing serve stopped while this run was executing; it was put back in the queue' };
      a.ac.abort(new ServiceStopping());
    }
    await Promise.all([...this.active.values()].map((a) => a.done));
  }
}

export type { RunState };
