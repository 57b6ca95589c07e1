// A real PostgreSQL (Debian's postgresql package) on loopback in a temp directory, for the e2e
// suites. Root cannot run postgres, so as root the server runs as the `postgres` user (runuser).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { type Db, openPostgres } from '../src/store/db.js';

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

let databases = 0;

/** A new, empty database on the server `pg`: its URL (one per test: nothing leaks between tests). */
export async function freshDatabaseUrl(pg: Postgres, prefix: string): Promise<string> {
  const admin = await openPostgres(pg.url);
  const name = `${prefix}_${process.pid}_${databases++}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  return pg.url.replace(/\/postgres$/, `/${name}`);
}

/** A new, empty database on the server `pg`, opened. */
export async function freshDatabase(pg: Postgres, prefix: string): Promise<Db> {
  return openPostgres(await freshDatabaseUrl(pg, prefix));
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  const v = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!v) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin/initdb); .ci/run installs the postgresql package');
  return join(base, v, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : -1;
  if (asRoot) {
    chmodSync(dir, 0o755);
    chownSync(dir, uid, Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  }
  const run = (cmd: string, args: string[]) => (asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, cmd), args, { stdio: 'pipe' }));
  run('initdb', ['-D', data, '-U', 'plumbing', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // pg_ctl -w returns once the server accepts connections.
  run('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, 'start']);
  return {
    url: `postgres://plumbing@127.0.0.1:${port}/postgres`,
    stop: async () => {
      run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
