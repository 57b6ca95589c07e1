/**
 * The pull requests serve has heard of, each with its state from its newest `pull_request`
 * delivery (open, or closed and maybe merged), and the open ones with the newest run of each for
 * the repositories page: one query over the pull_requests_state and runs_pr_created indexes.
 */
import type { Row } from './db.js';
import { type RunRow, runOf, type Store } from './store.js';

export interface PullRequestState {
  repository: string;
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  title: string | null;
  author: string | null;
  private: boolean;
  /** The pull request's `updated_at` in the delivery (else the delivery's receipt), ISO 8601: the newest wins. */
  updated: string;
  received: string;
  deliveryId: string;
}

/** An open pull request and its newest run (none yet: undefined). */
export interface OpenPullRequest extends PullRequestState {
  run: RunRow | undefined;
}

/**
 * Records a pull request's state unless a newer one is stored (deliveries can arrive out of
 * order: a late `synchronize` does not reopen a closed pull request). The same delivery again
 * changes nothing. Returns whether the stored state is now this one.
 */
export async function recordPullRequest(store: Store, pr: PullRequestState): Promise<boolean> {
  const n = await store.db.run(
    `INSERT INTO pull_requests (repository, number, state, merged, title, author, private, updated, received, delivery_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (repository, number) DO UPDATE SET state = excluded.state, merged = excluded.merged, title = COALESCE(excluded.title, pull_requests.title),
       author = COALESCE(excluded.author, pull_requests.author), private = excluded.private, updated = excluded.updated, received = excluded.received, delivery_id = excluded.delivery_id
     WHERE excluded.updated > pull_requests.updated OR (excluded.updated = pull_requests.updated AND excluded.received >= pull_requests.received)`,
    [pr.repository, pr.number, pr.state, pr.merged ? 1 : 0, pr.title, pr.author, pr.private ? 1 : 0, pr.updated, pr.received, pr.deliveryId],
  );
  return n === 1;
}

function stateOf(r: Row): PullRequestState {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    repository: String(r.pr_repository), number: Number(r.pr_number), state: r.pr_state === 'closed' ? 'closed' : 'open', merged: Number(r.pr_merged) === 1,
    title: s(r.pr_title), author: s(r.pr_author), private: Number(r.pr_private) === 1, updated: String(r.pr_updated), received: String(r.pr_received), deliveryId: String(r.pr_delivery_id),
  };
}

const PR_COLUMNS = `p.repository AS pr_repository, p.number AS pr_number, p.state AS pr_state, p.merged AS pr_merged, p.title AS pr_title, p.author AS pr_author,
  p.private AS pr_private, p.updated AS pr_updated, p.received AS pr_received, p.delivery_id AS pr_delivery_id`;

export async function pullRequestState(store: Store, repository: string, number: number): Promise<PullRequestState | undefined> {
  const r = (await store.db.all(`SELECT ${PR_COLUMNS} FROM pull_requests p WHERE p.repository = ? AND p.number = ?`, [repository, number]))[0];
  return r ? stateOf(r) : undefined;
}

/** Every open pull request, by repository and newest number first, each with its newest run (created, then name). */
export async function openPullRequests(store: Store): Promise<OpenPullRequest[]> {
  const rows = await store.db.all(
    `SELECT ${PR_COLUMNS}, r.* FROM pull_requests p
     LEFT JOIN runs r ON r.name = (SELECT x.name FROM runs x WHERE x.repository = p.repository AND x.pull_request = p.number ORDER BY x.created DESC, x.name DESC LIMIT 1)
     WHERE p.state = 'open' ORDER BY p.repository, p.number DESC`,
  );
  return rows.map((r) => ({ ...stateOf(r), run: r.name === null || r.name === undefined ? undefined : runOf(r) }));
}
