/**
 * `/hold` on a pull request, kept in the store so that it outlives a restart: while a hold is
 * set, the pull request's new runs are stored held (queued, outside the queue) until `/unhold`.
 */
import { type RunRow, runOf, type Store } from './store.js';

export interface Hold {
  repository: string;
  number: number;
  by: string;
  at: string;
}

/** Sets (or keeps, with the newer holder) the hold of a pull request. */
export async function setHold(store: Store, h: Hold): Promise<void> {
  await store.db.run('INSERT INTO holds (repository, number, held_by, held_at) VALUES (?, ?, ?, ?) ON CONFLICT (repository, number) DO UPDATE SET held_by = excluded.held_by, held_at = excluded.held_at', [h.repository, h.number, h.by, h.at]);
}

/** Releases a pull request's hold; false when it was not held. */
export async function clearHold(store: Store, repository: string, number: number): Promise<boolean> {
  return (await store.db.run('DELETE FROM holds WHERE repository = ? AND number = ?', [repository, number])) === 1;
}

export async function holdOf(store: Store, repository: string, number: number): Promise<Hold | undefined> {
  const r = (await store.db.all('SELECT * FROM holds WHERE repository = ? AND number = ?', [repository, number]))[0];
  return r ? { repository, number, by: String(r.held_by), at: String(r.held_at) } : undefined;
}

/** A pull request's queued runs, held or not (oldest first). */
export async function queuedRunsOf(store: Store, repository: string, number: number): Promise<RunRow[]> {
  return (await store.db.all("SELECT * FROM runs WHERE repository = ? AND pull_request = ? AND state = 'queued' ORDER BY created, name", [repository, number])).map(runOf);
}
