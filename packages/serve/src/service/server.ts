/**
 * `plumbing serve` as a library: opens the store, starts the core and the HTTP server; `close`
 * stops accepting, lets running runs finish for the grace period, re-queues the rest, and closes
 * the store.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlumbingError } from '@plumbing/model';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../store/db.js';
import { clusterSpec, serveSettings } from './config.js';
import { Core, defaultDbFile } from './core.js';
import type { ScheduledJob } from '@plumbing/deploy';
import type { Backend } from './embedded.js';
import { startPeriodic } from './periodic.js';
import { nightlyImageJobs } from './periodic-runs.js';
import { route } from './http.js';

export interface ServeOptions {
  root: string;
  cluster?: string;
  port?: number;
  host?: string;
  secretsDir?: string;
  /** A SQLite file or a postgres:// URL (default `<root>/.plumbing/serve.db`). */
  db?: string;
  publicUrl?: string;
  log?: (line: string) => void;
  backend?: Backend;
  sandbox?: boolean;
  /** The periodic jobs (the list `plumbing schedule` runs), each tick recorded as a periodic run. */
  jobs?: readonly ScheduledJob[];
  /** Run the nightly image builds of spec.serve.nightlyImages (default true; `--no-schedule` turns them off). */
  nightlyImages?: boolean;
  /** HTML pages (the dashboard) tried before the API routes; resolves true when it answered. */
  pages?: PageHandler;
}

export type PageHandler = (core: Core, req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RunningService {
  url: string;
  port: number;
  core: Core;
  server: Server;
  close(graceMs?: number): Promise<void>;
}

/** The only cluster under `clusters/`, or the named one. */
export function pickCluster(root: string, name: string | undefined): string {
  const dir = join(root, 'clusters');
  const all = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  if (name !== undefined) {
    if (!all.includes(name)) throw new PlumbingError('SERVE_CLUSTER', `no cluster "${name}" under ${dir} (have: ${all.join(', ') || 'none'})`, { exitCode: 2 });
    return name;
  }
  if (all.length !== 1) throw new PlumbingError('SERVE_CLUSTER', `name the cluster to serve: ${dir} has ${all.length === 0 ? 'none' : all.join(', ')}`, { exitCode: 2 });
  return all[0]!;
}

export async function startServe(o: ServeOptions): Promise<RunningService> {
  const cluster = pickCluster(o.root, o.cluster);
  const port = o.port ?? 8080;
  const settings = serveSettings(clusterSpec(o.root, cluster), port);
  if (o.publicUrl) settings.publicUrl = o.publicUrl;
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const db = await openDb(o.db ?? defaultDbFile(o.root));
  const core = new Core({ root: o.root, cluster, db, settings, log, ...(o.secretsDir ? { secretsDir: o.secretsDir } : {}), ...(o.backend ? { backend: o.backend } : {}), ...(o.sandbox === undefined ? {} : { sandbox: o.sandbox }) });
  await core.start();
  // the scheduler's jobs (plumbing schedule's list) and the nightly image builds (periodic-runs.ts)
  const jobs = [...(o.jobs ?? []), ...(o.nightlyImages === false ? [] : nightlyImageJobs(core, o.root, clusterSpec(o.root, cluster)))];
  const periodic = await startPeriodic({ store: core.store, log, onRun: (r) => core.events.emit('run', r) }, jobs);
  const server = createServer((req, res) => {
    (o.pages ? o.pages(core, req, res) : Promise.resolve(false)).then((done) => (done ? undefined : route(core, req, res))).catch((e: unknown) => {
      log(`error on ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'internal error' }));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, o.host ?? '0.0.0.0', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  if (!o.publicUrl && settings.publicUrl === `http://localhost:${port}`) settings.publicUrl = `http://localhost:${actual}`;
  log(`plumbing serve: cluster ${cluster}, listeners ${core.listenerNames().join(', ') || 'none'}, on http://localhost:${actual}`);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actual}`, port: actual, core, server,
    close: (graceMs = 30_000) =>
      (closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        await periodic.stop();
        await core.stop(graceMs);
        server.closeAllConnections();
        await closed;
      })()),
  };
}
