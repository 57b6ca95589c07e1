/**
 * The database port: one small interface over SQLite (better-sqlite3, the default, a file under
 * `.plumbing/`) and PostgreSQL (pg, for more than one replica). Queries are written once in SQL
 * both accept, with `?` placeholders; the only dialect shim turns them into `$1, $2, …` for pg.
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
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
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
  return {
    dialect: 'sqlite',
    all: async (sql, params = []) => stmt(sql).all(...params) as Row[],
    run: async (sql, params = []) => {
      const s = stmt(sql);
      return s.reader ? s.all(...params).length : s.run(...params).changes;
    },
    exec: async (sql) => {
      db.exec(sql);
    },
    close: async () => {
      db.close();
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
    close: async () => {
      await pool.end();
    },
  };
}

/** `postgres://…` opens PostgreSQL; anything else is a SQLite file. */
export function openDb(target: string): Promise<Db> {
  return /^postgres(ql)?:\/\//.test(target) ? openPostgres(target) : openSqlite(target);
}
