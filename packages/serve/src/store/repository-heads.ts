/**
 * "Is the org green?" for the dashboard: each repository's newest run outside pull requests
 * (its default branch), and the newest run of each pull request whose state was never seen, read
 * over the same indexes as `Store.listRuns` (runs_repo_created, runs_pr_created). The open pull
 * requests themselves are in pull-requests.ts.
 */
import type { RunRow, Store } from './store.js';

/** The newest run of each repository with no pull request (pushes, periodic, release, deploy). */
export async function latestDefaultBranchRuns(store: Store): Promise<RunRow[]> {
  const rows = await store.db.all(
    `SELECT r.name FROM runs r JOIN (SELECT repository, MAX(created) AS created FROM runs WHERE repository IS NOT NULL AND pull_request IS NULL GROUP BY repository) m
     ON r.repository = m.repository AND r.created = m.created WHERE r.pull_request IS NULL ORDER BY r.repository, r.name DESC`,
  );
  return dedupe(await fetchRuns(store, rows.map((r) => String(r.name))), (r) => r.repository ?? '');
}

/**
 * The fallback for pull requests whose state serve never saw (no pull_request delivery recorded
 * in pull_requests): the newest run of each that had a run since `since` (ISO time).
 */
export async function latestRunsOfUnseenPullRequests(store: Store, since: string): Promise<RunRow[]> {
  const rows = await store.db.all(
    `SELECT r.name FROM runs r JOIN (SELECT repository, pull_request, MAX(created) AS created FROM runs WHERE repository IS NOT NULL AND pull_request IS NOT NULL AND created >= ? GROUP BY repository, pull_request) m
     ON r.repository = m.repository AND r.pull_request = m.pull_request AND r.created = m.created
     WHERE NOT EXISTS (SELECT 1 FROM pull_requests p WHERE p.repository = m.repository AND p.number = m.pull_request)
     ORDER BY r.repository, r.pull_request DESC, r.name DESC`,
    [since],
  );
  return dedupe(await fetchRuns(store, rows.map((r) => String(r.name))), (r) => `${r.repository}#${r.pullRequest}`);
}

async function fetchRuns(store: Store, names: string[]): Promise<RunRow[]> {
  return (await Promise.all(names.map((n) => store.getRun(n)))).filter((r): r is RunRow => r !== undefined);
}

/** Two runs created in the same millisecond: the first (greatest name) wins, as in listRuns. */
function dedupe(runs: RunRow[], key: (r: RunRow) => string): RunRow[] {
  const seen = new Set<string>();
  return runs.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
