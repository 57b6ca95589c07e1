/**
 * Retention: finished runs older than `maxAgeDays`, or beyond the newest `maxRunsPerJob` of their
 * job, are deleted; never a queued or running one, never a job's last run. Gather (the store's
 * candidates), decide (`planRetention`, pure), apply: each run's record (its step logs, status)
 * goes to the configured bucket first (@plumbing/storage), then its rows, record and resource file
 * are deleted. A run whose logs could not be archived is kept.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Bucket, openBucket } from '@plumbing/storage';
import { FINAL_STATES, type RunState, type Store } from '../store/store.js';
import type { RetentionSettings } from './config.js';

export interface RetentionCandidate {
  name: string;
  job: string;
  state: RunState;
  created: string;
  recordDir: string | null;
  /** Its rank among its job's runs, newest first (0 = the newest). */
  rank: number;
}

export interface RetentionDeletion {
  name: string;
  job: string;
  recordDir: string | null;
  reason: string;
}

/** Which runs go: pure, from the candidates the store gathered. */
export function planRetention(runs: readonly RetentionCandidate[], policy: Pick<RetentionSettings, 'maxAgeDays' | 'maxRunsPerJob'>, now: Date): RetentionDeletion[] {
  const cutoff = policy.maxAgeDays === undefined ? undefined : new Date(now.getTime() - policy.maxAgeDays * 86_400_000).toISOString();
  const out: RetentionDeletion[] = [];
  for (const r of runs) {
    if (!FINAL_STATES.includes(r.state) || r.rank === 0) continue;
    const reason =
      cutoff !== undefined && r.created < cutoff
        ? `older than ${policy.maxAgeDays} days`
        : policy.maxRunsPerJob !== undefined && r.rank >= policy.maxRunsPerJob
          ? `beyond the newest ${policy.maxRunsPerJob} runs of job ${r.job}`
          : undefined;
    if (reason) out.push({ name: r.name, job: r.job, recordDir: r.recordDir, reason });
  }
  return out;
}

/** Every run with its rank in its job (newest first). Ranked in SQL both databases accept. */
export async function gatherRetention(store: Store): Promise<RetentionCandidate[]> {
  const rows = await store.db.all('SELECT name, job, state, created, record_dir, ROW_NUMBER() OVER (PARTITION BY job ORDER BY created DESC, name DESC) AS rn FROM runs');
  return rows.map((r) => ({ name: String(r.name), job: String(r.job), state: r.state as RunState, created: String(r.created), recordDir: r.record_dir === null ? null : String(r.record_dir), rank: Number(r.rn) - 1 }));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Copies a run's record (logs, status) to `runs/<name>/…` in the bucket; returns how many files. */
export async function archiveRun(bucket: Bucket, root: string, name: string, recordDir: string | null): Promise<number> {
  const dir = join(root, recordDir ?? join('.plumbing', 'runs', name));
  const files = filesUnder(dir).filter((f) => !relative(dir, f).split('/').includes('workspaces'));
  for (const f of files) await bucket.put(`runs/${name}/${relative(dir, f)}`, readFileSync(f));
  return files.length;
}

export interface RetentionOutcome {
  deleted: RetentionDeletion[];
  kept: { name: string; error: string }[];
}

/** One pass: plan, archive each run's logs, delete it. */
export async function applyRetention(store: Store, root: string, settings: RetentionSettings, now: Date, log: (l: string) => void): Promise<RetentionOutcome> {
  const plan = planRetention(await gatherRetention(store), settings, now);
  const bucket = settings.bucket ? openBucket(settings.bucket, root) : undefined;
  const out: RetentionOutcome = { deleted: [], kept: [] };
  for (const d of plan) {
    try {
      const files = bucket ? await archiveRun(bucket, root, d.name, d.recordDir) : 0;
      if (!(await store.deleteRun(d.name))) continue;
      rmSync(join(root, d.recordDir ?? join('.plumbing', 'runs', d.name)), { recursive: true, force: true });
      rmSync(join(root, '.plumbing', 'serve', 'resources', `${d.name}.yaml`), { force: true });
      out.deleted.push(d);
      log(`retention: ${d.name} deleted (${d.reason})${bucket ? `, ${files} log files in ${bucket.url}/runs/${d.name}/` : ''}`);
    } catch (e) {
      out.kept.push({ name: d.name, error: e instanceof Error ? e.message : String(e) });
      log(`retention: ${d.name} kept: its logs could not be archived: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}
