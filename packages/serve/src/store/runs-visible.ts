/**
 * The runs a dashboard viewer may see: public runs plus the runs of the private repositories the
 * viewer can read, optionally by author, in `Store.listRuns`' order and keyset cursor.
 */
import type { SqlValue } from './db.js';
import { decodeCursor, encodeCursor, type Page, type RunFilter, type RunRow, type Store } from './store.js';

export interface Visibility {
  /** Only runs whose actor is this. */
  author?: string;
  /** Private repositories whose runs are included ("owner/name"). */
  privateRepositories: readonly string[];
}

export async function listVisibleRuns(store: Store, filter: RunFilter, v: Visibility, limit: number, cursor?: string): Promise<Page<RunRow>> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const cols: [string, SqlValue | undefined][] = [['actor', v.author], ['repository', filter.repository], ['pull_request', filter.pullRequest], ['job', filter.job], ['kind', filter.kind], ['state', filter.state]];
  for (const [col, value] of cols) {
    if (value === undefined) continue;
    where.push(`${col} = ?`);
    params.push(value);
  }
  if (v.privateRepositories.length === 0) where.push('private = 0');
  else {
    where.push(`(private = 0 OR repository IN (${v.privateRepositories.map(() => '?').join(', ')}))`);
    params.push(...v.privateRepositories);
  }
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
