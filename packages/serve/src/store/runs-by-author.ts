/**
 * Runs filtered by author (the actor) as well, for the dashboard: the same order and keyset
 * cursor as `Store.listRuns`, reading the run rows through `Store.getRun`.
 */
import type { SqlValue } from './db.js';
import { decodeCursor, encodeCursor, type Page, type RunFilter, type RunRow, type Store } from './store.js';

export async function listRunsByAuthor(store: Store, filter: RunFilter, author: string, limit: number, cursor?: string): Promise<Page<RunRow>> {
  const where = ['actor = ?'];
  const params: SqlValue[] = [author];
  const cols: [string, SqlValue | undefined][] = [['repository', filter.repository], ['pull_request', filter.pullRequest], ['job', filter.job], ['kind', filter.kind], ['state', filter.state]];
  for (const [col, v] of cols) {
    if (v === undefined) continue;
    where.push(`${col} = ?`);
    params.push(v);
  }
  if (!filter.includePrivate) where.push('private = 0');
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (after) {
    where.push('(created < ? OR (created = ? AND name < ?))');
    params.push(after[0], after[0], after[1]);
  }
  const names = await store.db.all(`SELECT name FROM runs WHERE ${where.join(' AND ')} ORDER BY created DESC, name DESC LIMIT ?`, [...params, limit + 1]);
  const rows = (await Promise.all(names.map((r) => store.getRun(String(r.name))))).filter((r): r is RunRow => r !== undefined);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last ? { items, next: encodeCursor(last.created, last.name) } : { items };
}
