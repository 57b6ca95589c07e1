/**
 * The store: deliveries, runs, their TaskRuns and steps (log files referenced by path), and the
 * queue. One set of queries over the Db port, for SQLite and PostgreSQL alike.
 */
import type { Db, Row, SqlValue } from './db.js';
import { migrate } from './migrations.js';

/**
 * What started a run. `push`: a push event (a branch or a tag, the default branch included);
 * `event`: any other webhook event with no pull request; `local`: a `plumbing run` record of the
 * checkout serve runs from, shown by the dashboard.
 */
export const RUN_KINDS = ['pull-request', 'push', 'comment', 'event', 'periodic', 'release', 'deploy', 'local'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const FINAL_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled'];

export interface DeliveryRow {
  id: string;
  listener: string;
  event: string;
  action: string | null;
  received: string;
  state: 'received' | 'processed';
  headers: Record<string, string>;
  body: string;
  eventId: string;
  outcome: unknown;
}

export interface RunRow {
  name: string;
  namespace: string;
  kind: RunKind;
  /** PipelineRun or TaskRun; `Job` for a periodic job's tick. */
  resourceKind: 'PipelineRun' | 'TaskRun' | 'Job';
  job: string;
  repository: string | null;
  pullRequest: number | null;
  sha: string | null;
  event: string | null;
  deliveryId: string | null;
  actor: string | null;
  triggerName: string | null;
  supersedeKey: string | null;
  private: boolean;
  state: RunState;
  reason: string | null;
  message: string | null;
  created: string;
  started: string | null;
  finished: string | null;
  owner: string | null;
  recordDir: string | null;
  resource: Record<string, unknown>;
  status: Record<string, unknown> | null;
  /** Secrets may be bound (default true); false for untrusted code (@plumbing/pr's decideCodeTrust). */
  bindSecrets?: boolean;
  /** The GitHub check run reporting this run (GitHub App mode). */
  checkRunId?: number | null;
  /** A run of a push to the repository's default branch (its failures are notified). */
  defaultBranch?: boolean;
  /** For a rerun of only what failed: the run whose succeeded tasks it reuses. */
  retryOf?: string | null;
  /** Queued and held (`/hold` on its pull request): who held it; it waits outside the queue until `/unhold`. */
  heldBy?: string | null;
  /** While running: until when its owner's lease holds (renewed by the owner; another replica takes an expired one over). */
  leaseExpires?: string | null;
}

export interface TaskRunRow {
  runName: string;
  name: string;
  pipelineTask: string | null;
  state: string;
  started: string | null;
  finished: string | null;
}

export interface StepRow {
  runName: string;
  taskRun: string;
  name: string;
  state: string;
  logPath: string;
  exitCode: number | null;
  started: string | null;
  finished: string | null;
}

export interface RunFilter {
  repository?: string;
  pullRequest?: number;
  job?: string;
  kind?: string;
  state?: string;
  /** Include runs of private repositories. */
  includePrivate?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  next?: string;
}

const RUN_COLUMNS: Record<string, string> = {
  name: 'name', namespace: 'namespace', kind: 'kind', resourceKind: 'resource_kind', job: 'job', repository: 'repository',
  pullRequest: 'pull_request', sha: 'sha', event: 'event', deliveryId: 'delivery_id', actor: 'actor', triggerName: 'trigger_name',
  supersedeKey: 'supersede_key', private: 'private', state: 'state', reason: 'reason', message: 'message', created: 'created',
  started: 'started', finished: 'finished', owner: 'owner', recordDir: 'record_dir', resource: 'resource', status: 'status',
  bindSecrets: 'bind_secrets', checkRunId: 'check_run_id', defaultBranch: 'default_branch', retryOf: 'retry_of',
  heldBy: 'held_by', leaseExpires: 'lease_expires',
};

/** Columns with a default when a row leaves them out. */
const DEFAULTS: Record<string, SqlValue> = { bindSecrets: 1, defaultBranch: 0 };

function toSql(key: string, v: unknown): SqlValue {
  if (v === undefined || v === null) return DEFAULTS[key] ?? null;
  if (key === 'resource' || key === 'status') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as SqlValue;
}

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function runOf(r: Row): RunRow {
  return {
    name: String(r.name), namespace: String(r.namespace), kind: r.kind as RunKind, resourceKind: r.resource_kind as RunRow['resourceKind'], job: String(r.job),
    repository: str(r.repository), pullRequest: r.pull_request === null ? null : Number(r.pull_request), sha: str(r.sha), event: str(r.event),
    deliveryId: str(r.delivery_id), actor: str(r.actor), triggerName: str(r.trigger_name), supersedeKey: str(r.supersede_key), private: Number(r.private) === 1,
    state: r.state as RunState, reason: str(r.reason), message: str(r.message), created: String(r.created), started: str(r.started), finished: str(r.finished),
    owner: str(r.owner), recordDir: str(r.record_dir), resource: JSON.parse(String(r.resource)) as Record<string, unknown>,
    status: r.status === null ? null : (JSON.parse(String(r.status)) as Record<string, unknown>),
    bindSecrets: r.bind_secrets === undefined ? true : Number(r.bind_secrets) === 1, checkRunId: r.check_run_id === null || r.check_run_id === undefined ? null : Number(r.check_run_id),
    defaultBranch: Number(r.default_branch ?? 0) === 1, retryOf: str(r.retry_of), heldBy: str(r.held_by), leaseExpires: str(r.lease_expires),
  };
}

export function encodeCursor(created: string, name: string): string {
  return Buffer.from(JSON.stringify([created, name])).toString('base64url');
}

export function decodeCursor(c: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString()) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
}

export class Store {
  constructor(readonly db: Db) {}

  migrate(): Promise<number[]> {
    return migrate(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** Resolves once every write made so far is committed (see db.ts: SQLite commits once per event-loop turn). */
  durable(): Promise<void> {
    return this.db.durable();
  }

  /** Stores a delivery once; false when this delivery id is already stored (a redelivery). */
  async insertDelivery(d: Omit<DeliveryRow, 'outcome' | 'state'> & { repository?: string | null; pullRequest?: number | null }): Promise<boolean> {
    const n = await this.db.run(
      'INSERT INTO deliveries (id, listener, event, action, received, state, headers, body, event_id, repository, pull_request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      [d.id, d.listener, d.event, d.action, d.received, 'received', JSON.stringify(d.headers), d.body, d.eventId, d.repository ?? null, d.pullRequest ?? null],
    );
    return n === 1;
  }

  /** The newest delivery of this event for a pull request (what `/test` re-renders the listener's runs from). */
  async latestDeliveryOf(repository: string, pullRequest: number, event: string): Promise<DeliveryRow | undefined> {
    const r = (await this.db.all('SELECT * FROM deliveries WHERE repository = ? AND pull_request = ? AND event = ? ORDER BY received DESC, id DESC LIMIT 1', [repository, pullRequest, event]))[0];
    return r ? deliveryOf(r) : undefined;
  }

  async getDelivery(id: string): Promise<DeliveryRow | undefined> {
    const r = (await this.db.all('SELECT * FROM deliveries WHERE id = ?', [id]))[0];
    return r ? deliveryOf(r) : undefined;
  }

  async finishDelivery(id: string, outcome: unknown): Promise<void> {
    await this.db.run('UPDATE deliveries SET state = ?, outcome = ? WHERE id = ?', ['processed', JSON.stringify(outcome), id]);
  }

  async deliveriesInState(state: 'received' | 'processed', limit = 1000): Promise<DeliveryRow[]> {
    return (await this.db.all('SELECT * FROM deliveries WHERE state = ? ORDER BY received LIMIT ?', [state, limit])).map(deliveryOf);
  }

  async countDeliveries(): Promise<number> {
    return Number((await this.db.all('SELECT COUNT(*) AS n FROM deliveries'))[0]?.n ?? 0);
  }

  /** Inserts a run; false when the name is taken. */
  async insertRun(run: RunRow): Promise<boolean> {
    const keys = Object.keys(RUN_COLUMNS);
    const sql = `INSERT INTO runs (${keys.map((k) => RUN_COLUMNS[k]).join(', ')}) VALUES (${keys.map(() => '?').join(', ')}) ON CONFLICT (name) DO NOTHING`;
    return (await this.db.run(sql, keys.map((k) => toSql(k, (run as unknown as Record<string, unknown>)[k])))) === 1;
  }

  async getRun(name: string): Promise<RunRow | undefined> {
    const r = (await this.db.all('SELECT * FROM runs WHERE name = ?', [name]))[0];
    return r ? runOf(r) : undefined;
  }

  /**
   * Updates some fields; with `onlyIfState`, only while the run is in one of those states, and
   * with `onlyIf`, only while those fields have those values (null: IS NULL). Returns whether it changed.
   */
  async updateRun(name: string, fields: Partial<RunRow>, onlyIfState?: readonly RunState[], onlyIf: Partial<RunRow> = {}): Promise<boolean> {
    const keys = Object.keys(fields).filter((k) => RUN_COLUMNS[k] !== undefined);
    if (keys.length === 0) return false;
    const params: SqlValue[] = keys.map((k) => toSql(k, (fields as Record<string, unknown>)[k]));
    let sql = `UPDATE runs SET ${keys.map((k) => `${RUN_COLUMNS[k]} = ?`).join(', ')} WHERE name = ?`;
    params.push(name);
    if (onlyIfState && onlyIfState.length > 0) {
      sql += ` AND state IN (${onlyIfState.map(() => '?').join(', ')})`;
      params.push(...onlyIfState);
    }
    for (const [k, v] of Object.entries(onlyIf)) {
      const col = RUN_COLUMNS[k];
      if (!col) continue;
      if (v === null || v === undefined) sql += ` AND ${col} IS NULL`;
      else {
        sql += ` AND ${col} = ?`;
        params.push(toSql(k, v));
      }
    }
    return (await this.db.run(sql, params)) === 1;
  }

  /** The newest run of a job of this kind. */
  async lastRunOfJob(job: string, kind: RunKind = 'periodic'): Promise<RunRow | undefined> {
    const r = (await this.db.all('SELECT * FROM runs WHERE job = ? AND kind = ? ORDER BY created DESC, name DESC LIMIT 1', [job, kind]))[0];
    return r ? runOf(r) : undefined;
  }

  /** The outcome of the job's newest finished run before this one (same kind; same repository and default branch for pushes). */
  async previousOutcome(run: RunRow): Promise<'succeeded' | 'failed' | undefined> {
    const r = (
      await this.db.all(
        "SELECT state FROM runs WHERE job = ? AND kind = ? AND name <> ? AND state IN ('succeeded', 'failed') AND created <= ? AND default_branch = ? AND COALESCE(repository, '') = ? ORDER BY created DESC, name DESC LIMIT 1",
        [run.job, run.kind, run.name, run.created, run.defaultBranch ? 1 : 0, run.repository ?? ''],
      )
    )[0];
    return r ? (String(r.state) as 'succeeded' | 'failed') : undefined;
  }

  /** Deletes a finished run with its TaskRuns and steps; false when it is not finished (or gone). */
  async deleteRun(name: string): Promise<boolean> {
    const n = await this.db.run(`DELETE FROM runs WHERE name = ? AND state IN (${FINAL_STATES.map(() => '?').join(', ')})`, [name, ...FINAL_STATES]);
    if (n !== 1) return false;
    await this.db.run('DELETE FROM steps WHERE run_name = ?', [name]);
    await this.db.run('DELETE FROM task_runs WHERE run_name = ?', [name]);
    return true;
  }

  async runsOfDelivery(id: string): Promise<RunRow[]> {
    return (await this.db.all('SELECT * FROM runs WHERE delivery_id = ? ORDER BY created, name', [id])).map(runOf);
  }

  async runsInState(states: readonly RunState[]): Promise<RunRow[]> {
    return (await this.db.all(`SELECT * FROM runs WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY created, name`, [...states])).map(runOf);
  }

  /** Unfinished runs sharing a supersede key (repository + pull request), oldest first. */
  async activeRunsOf(supersedeKey: string): Promise<RunRow[]> {
    return (await this.db.all("SELECT * FROM runs WHERE supersede_key = ? AND state IN ('queued', 'running') ORDER BY created, name", [supersedeKey])).map(runOf);
  }

  /** Newest first, keyset-paginated on (created, name). */
  async listRuns(filter: RunFilter, limit: number, cursor?: string): Promise<Page<RunRow>> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (col: string, v: SqlValue | undefined) => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      params.push(v);
    };
    add('repository', filter.repository);
    add('pull_request', filter.pullRequest);
    add('job', filter.job);
    add('kind', filter.kind);
    add('state', filter.state);
    if (!filter.includePrivate) where.push('private = 0');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after) {
      where.push('(created < ? OR (created = ? AND name < ?))');
      params.push(after[0], after[0], after[1]);
    }
    const sql = `SELECT * FROM runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created DESC, name DESC LIMIT ?`;
    const rows = (await this.db.all(sql, [...params, limit + 1])).map(runOf);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: encodeCursor(last.created, last.name) } : { items };
  }

  async countRunsBy(): Promise<{ kind: string; state: string; n: number }[]> {
    return (await this.db.all('SELECT kind, state, COUNT(*) AS n FROM runs GROUP BY kind, state')).map((r) => ({ kind: String(r.kind), state: String(r.state), n: Number(r.n) }));
  }

  /** The newest successful run of each periodic job. */
  async lastPeriodicSuccess(): Promise<{ job: string; finished: string }[]> {
    const rows = await this.db.all("SELECT job, MAX(finished) AS finished FROM runs WHERE kind = 'periodic' AND state = 'succeeded' GROUP BY job");
    return rows.map((r) => ({ job: String(r.job), finished: String(r.finished) }));
  }

  async enqueue(runName: string, repository: string | null, enqueued: string, deadline: string): Promise<void> {
    await this.db.run('INSERT INTO queue (run_name, repository, enqueued, deadline) VALUES (?, ?, ?, ?) ON CONFLICT (run_name) DO NOTHING', [runName, repository, enqueued, deadline]);
  }

  async queued(limit = 500): Promise<{ runName: string; repository: string | null; enqueued: string; deadline: string }[]> {
    const rows = await this.db.all('SELECT * FROM queue ORDER BY enqueued, run_name LIMIT ?', [limit]);
    return rows.map((r) => ({ runName: String(r.run_name), repository: str(r.repository), enqueued: String(r.enqueued), deadline: String(r.deadline) }));
  }

  async queueDepth(): Promise<number> {
    return Number((await this.db.all('SELECT COUNT(*) AS n FROM queue'))[0]?.n ?? 0);
  }

  /** Takes a run off the queue; true for exactly one caller (the one that may start it). */
  async dequeue(runName: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM queue WHERE run_name = ?', [runName])) === 1;
  }

  async upsertTaskRun(t: TaskRunRow): Promise<void> {
    await this.db.run(
      'INSERT INTO task_runs (run_name, name, pipeline_task, state, started, finished) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_name, name) DO UPDATE SET state = excluded.state, started = COALESCE(task_runs.started, excluded.started), finished = excluded.finished',
      [t.runName, t.name, t.pipelineTask, t.state, t.started, t.finished],
    );
  }

  async upsertStep(s: StepRow): Promise<void> {
    await this.db.run(
      'INSERT INTO steps (run_name, task_run, name, state, log_path, exit_code, started, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_name, task_run, name) DO UPDATE SET state = excluded.state, log_path = excluded.log_path, exit_code = excluded.exit_code, started = COALESCE(steps.started, excluded.started), finished = excluded.finished',
      [s.runName, s.taskRun, s.name, s.state, s.logPath, s.exitCode, s.started, s.finished],
    );
  }

  async taskRunsOf(runName: string): Promise<TaskRunRow[]> {
    const rows = await this.db.all('SELECT * FROM task_runs WHERE run_name = ? ORDER BY started, name', [runName]);
    return rows.map((r) => ({ runName: String(r.run_name), name: String(r.name), pipelineTask: str(r.pipeline_task), state: String(r.state), started: str(r.started), finished: str(r.finished) }));
  }

  async stepsOf(runName: string): Promise<StepRow[]> {
    const rows = await this.db.all('SELECT * FROM steps WHERE run_name = ? ORDER BY task_run, started, name', [runName]);
    return rows.map((r) => ({
      runName: String(r.run_name), taskRun: String(r.task_run), name: String(r.name), state: String(r.state), logPath: String(r.log_path),
      exitCode: r.exit_code === null ? null : Number(r.exit_code), started: str(r.started), finished: str(r.finished),
    }));
  }
}

function deliveryOf(r: Row): DeliveryRow {
  return {
    id: String(r.id), listener: String(r.listener), event: String(r.event), action: str(r.action), received: String(r.received),
    state: r.state as DeliveryRow['state'], headers: JSON.parse(String(r.headers)) as Record<string, string>, body: String(r.body),
    eventId: String(r.event_id), outcome: r.outcome === null || r.outcome === undefined ? null : (JSON.parse(String(r.outcome)) as unknown),
  };
}
