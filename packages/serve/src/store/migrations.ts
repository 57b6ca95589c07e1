/**
 * Versioned migrations, applied in order once each and recorded in `schema_migrations`.
 * Plain SQL both SQLite and PostgreSQL accept (TEXT timestamps in ISO 8601 UTC sort correctly;
 * BIGINT for counts). A migration is never edited once released: add the next one.
 */
import type { Db } from './db.js';

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'deliveries, runs, task runs, steps, queue',
    sql: `
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  listener TEXT NOT NULL,
  event TEXT NOT NULL,
  action TEXT,
  received TEXT NOT NULL,
  state TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  event_id TEXT NOT NULL,
  outcome TEXT
);
CREATE INDEX deliveries_state ON deliveries (state, received);
CREATE TABLE runs (
  name TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  kind TEXT NOT NULL,
  resource_kind TEXT NOT NULL,
  job TEXT NOT NULL,
  repository TEXT,
  pull_request BIGINT,
  sha TEXT,
  event TEXT,
  delivery_id TEXT,
  actor TEXT,
  trigger_name TEXT,
  supersede_key TEXT,
  private INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  reason TEXT,
  message TEXT,
  created TEXT NOT NULL,
  started TEXT,
  finished TEXT,
  owner TEXT,
  record_dir TEXT,
  resource TEXT NOT NULL,
  status TEXT
);
CREATE INDEX runs_created ON runs (created, name);
CREATE INDEX runs_repo_created ON runs (repository, created, name);
CREATE INDEX runs_pr_created ON runs (repository, pull_request, created, name);
CREATE INDEX runs_job_created ON runs (job, created, name);
CREATE INDEX runs_kind_created ON runs (kind, created, name);
CREATE INDEX runs_state_created ON runs (state, created, name);
CREATE INDEX runs_delivery ON runs (delivery_id);
CREATE INDEX runs_supersede ON runs (supersede_key, state);
CREATE TABLE task_runs (
  run_name TEXT NOT NULL,
  name TEXT NOT NULL,
  pipeline_task TEXT,
  state TEXT NOT NULL,
  started TEXT,
  finished TEXT,
  PRIMARY KEY (run_name, name)
);
CREATE TABLE steps (
  run_name TEXT NOT NULL,
  task_run TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  log_path TEXT NOT NULL,
  exit_code BIGINT,
  started TEXT,
  finished TEXT,
  PRIMARY KEY (run_name, task_run, name)
);
CREATE TABLE queue (
  run_name TEXT PRIMARY KEY,
  repository TEXT,
  enqueued TEXT NOT NULL,
  deadline TEXT NOT NULL
);
CREATE INDEX queue_enqueued ON queue (enqueued, run_name);
`,
  },
  {
    version: 2,
    name: 'trust, check runs, default branch, retries; deliveries by pull request',
    sql: `
ALTER TABLE runs ADD COLUMN bind_secrets INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN check_run_id BIGINT;
ALTER TABLE runs ADD COLUMN default_branch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN retry_of TEXT;
ALTER TABLE deliveries ADD COLUMN repository TEXT;
ALTER TABLE deliveries ADD COLUMN pull_request BIGINT;
CREATE INDEX deliveries_pr ON deliveries (repository, pull_request, received);
CREATE INDEX runs_finished ON runs (state, finished);
`,
  },
  {
    version: 3,
    name: 'pull requests: open or closed, from their newest pull_request delivery',
    // Backfilled from the pull_request deliveries already stored (state from the action only:
    // merged, title and author are not known without parsing the bodies; private when any run of
    // the repository is).
    sql: `
CREATE TABLE pull_requests (
  repository TEXT NOT NULL,
  number BIGINT NOT NULL,
  state TEXT NOT NULL,
  merged INTEGER NOT NULL DEFAULT 0,
  title TEXT,
  author TEXT,
  private INTEGER NOT NULL DEFAULT 0,
  updated TEXT NOT NULL,
  received TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  PRIMARY KEY (repository, number)
);
CREATE INDEX pull_requests_state ON pull_requests (state, repository, number);
INSERT INTO pull_requests (repository, number, state, merged, title, author, private, updated, received, delivery_id)
SELECT d.repository, d.pull_request, CASE WHEN d.action = 'closed' THEN 'closed' ELSE 'open' END, 0, NULL, NULL,
  CASE WHEN EXISTS (SELECT 1 FROM runs r WHERE r.repository = d.repository AND r.private = 1) THEN 1 ELSE 0 END, d.received, d.received, d.id
FROM deliveries d
WHERE d.event = 'pull_request' AND d.repository IS NOT NULL AND d.pull_request IS NOT NULL AND d.action IN ('opened', 'reopened', 'synchronize', 'edited', 'ready_for_review', 'closed')
  AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.event = 'pull_request' AND e.repository = d.repository AND e.pull_request = d.pull_request
    AND e.action IN ('opened', 'reopened', 'synchronize', 'edited', 'ready_for_review', 'closed') AND (e.received > d.received OR (e.received = d.received AND e.id > d.id)));
`,
  },
  {
    version: 4,
    name: 'holds of pull requests; a held run waits outside the queue',
    sql: `
CREATE TABLE holds (
  repository TEXT NOT NULL,
  number BIGINT NOT NULL,
  held_by TEXT NOT NULL,
  held_at TEXT NOT NULL,
  PRIMARY KEY (repository, number)
);
ALTER TABLE runs ADD COLUMN held_by TEXT;
`,
  },
  {
    version: 5,
    name: 'leases: the replica running a run renews its lease; another takes an expired one over',
    sql: `
ALTER TABLE runs ADD COLUMN lease_expires TEXT;
CREATE INDEX runs_lease ON runs (state, lease_expires);
`,
  },
];

/** Applies the migrations not yet applied; returns the versions it applied. */
export async function migrate(db: Db, now: () => Date = () => new Date()): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)');
  const done = new Set((await db.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.exec(`BEGIN;\n${m.sql}\nINSERT INTO schema_migrations (version, name, applied) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', '${now().toISOString()}');\nCOMMIT;`);
    applied.push(m.version);
  }
  return applied;
}
