/**
 * The database port: one small interface over SQLite (better-sqlite3, the default, a file under
 * `.plumbing/`) and PostgreSQL (pg, for more than one replica). Queries are written once in SQL
 * both accept, with `?` placeholders; the only dialect shim turns them into `$1, $2, …` for pg.
 *
 * SQLite writes are group-committed: the first write of an event-loop turn opens a transaction
 * that commits at the end of the turn (setImmediate), so the statements of every delivery handled
 * in that turn share one commit instead of one WAL append each. A crash loses at most the writes
 * of the turn, never part of a turn (each commit is a prefix of the program's writes). What must
 * be stored before something outside learns of it (a webhook's 2xx, a run's start, a status
 * sent to GitHub) awaits `durable()`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlumbingError } from '@plumbing/model';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a SELECT (or of `RETURNING`). */
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Several statements without parameters (migrations); the writes before it are committed first. */
  exec(sql: string): Promise<void>;
  /** Resolves once every write made so far is committed (PostgreSQL commits each statement: at once). */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/** `?` → `$n` outside string literals. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let inStr = false;
  let out = '';
  for (const c of sql) {
    if (c === "'") inStr = !inStr;
    out += c === '?' && !inStr ? `$${++n}` : c;
  }
  return out;
}

function dbError(what: string, e: unknown): PlumbingError {
  return new PlumbingError('SERVE_DB', `database: ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

export async function openSqlite(file: string): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: import('better-sqlite3').Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (e) {
    throw dbError(`cannot open ${file}`, e);
  }
  const cache = new Map<string, import('better-sqlite3').Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const batch = groupCommit(db);
  return {
    dialect: 'sqlite',
    all: async (sql, params = []) => batch.write(stmt(sql), (s) => s.all(...params) as Row[]),
    run: async (sql, params = []) => batch.write(stmt(sql), (s) => (s.reader ? s.all(...params).length : s.run(...params).changes)),
    exec: async (sql) => {
      batch.commit();
      db.exec(sql);
    },
    durable: () => batch.durable(),
    close: async () => {
      batch.commit();
      db.close();
    },
  };
}

/** One transaction per event-loop turn for the writes of a better-sqlite3 connection (see the top of this file). */
function groupCommit(db: import('better-sqlite3').Database) {
  let open = false;
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const settle = (error?: unknown) => {
    const w = waiters;
    waiters = [];
    for (const x of w) {
      if (error === undefined) x.resolve();
      else x.reject(error);
    }
  };
  const commit = () => {
    if (!open) return;
    open = false;
    try {
      db.exec('COMMIT');
    } catch (e) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // The connection already ended the transaction: nothing is left to undo.
      }
      settle(dbError('commit failed, the writes of this turn are lost', e));
      return;
    }
    settle();
  };
  return {
    commit,
    /** Runs a statement; a write opens the turn's transaction unless the caller holds one of its own (exec('BEGIN')). */
    write<T>(s: import('better-sqlite3').Statement, f: (s: import('better-sqlite3').Statement) => T): T {
      if (!s.readonly && !open && !db.inTransaction) {
        db.exec('BEGIN');
        open = true;
        setImmediate(commit);
      }
      try {
        return f(s);
      } catch (e) {
        // A failed statement is undone alone; an error that ends the transaction takes the turn's writes with it.
        if (open && !db.inTransaction) {
          open = false;
          settle(dbError('the transaction was rolled back, the writes of this turn are lost', e));
        }
        throw e;
      }
    },
    durable(): Promise<void> {
      return open ? new Promise((resolve, reject) => waiters.push({ resolve, reject })) : Promise.resolve();
    },
  };
}

export async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end();
    throw dbError('cannot connect to PostgreSQL', e);
  }
  return {
    dialect: 'postgres',
    all: async (sql, params = []) => (await pool.query(toPgPlaceholders(sql), [...params])).rows as Row[],
    run: async (sql, params = []) => {
      const r = await pool.query(toPgPlaceholders(sql), [...params]);
      return r.rowCount ?? 0;
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    durable: async () => {},
    close: async () => {
      await pool.end();
    },
  };
}

/** `postgres://…` opens PostgreSQL; anything else is a SQLite file. */
export function openDb(target: string): Promise<Db> {
  return /^postgres(ql)?:\/\//.test(target) ? openPostgres(target) : openSqlite(target);
}
