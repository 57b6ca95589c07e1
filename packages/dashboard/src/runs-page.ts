/**
 * The runs page: every run, newest first, filtered by GET parameters, keyset-paginated by the store.
 */
import { RUN_KINDS, type RunFilter, type RunRow } from '@plumbing/serve';
import { duration, esc, page, stateBadge } from './html.js';

export const FILTERS = ['repository', 'pullRequest', 'job', 'kind', 'state', 'author'] as const;
const KINDS = ['', ...RUN_KINDS];
const STATES = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

export function runRow(r: RunRow): string {
  const pr = r.repository && r.pullRequest !== null ? `<a href="https://github.com/${esc(r.repository)}/pull/${r.pullRequest}">#${r.pullRequest}</a>` : '';
  return `<tr data-run="${esc(r.name)}"><td><a href="/runs/${encodeURIComponent(r.name)}">${esc(r.name)}</a></td><td>${stateBadge(r.state)}</td>
<td>${esc(r.kind)}</td><td>${esc(r.job)}</td><td>${esc(r.repository ?? '')} ${pr}</td><td>${esc(r.actor ?? '')}</td>
<td><time datetime="${esc(r.created)}">${esc(r.created.replace('T', ' ').slice(0, 19))}</time></td><td>${esc(duration(r.started, r.finished))}</td></tr>`;
}

function select(name: string, options: string[], value: string | null): string {
  return `<select name="${name}" id="f-${name}">${options.map((o) => `<option value="${esc(o)}"${o === (value ?? '') ? ' selected' : ''}>${esc(o || 'any')}</option>`).join('')}</select>`;
}

/** The filter from the query string, or an error message. */
export function filterFrom(q: URLSearchParams): { filter: RunFilter; author?: string } | string {
  const filter: RunFilter = {};
  for (const k of ['repository', 'job', 'kind', 'state'] as const) {
    const v = q.get(k);
    if (v) filter[k] = v;
  }
  const pr = q.get('pullRequest');
  if (pr) {
    if (!/^\d+$/.test(pr)) return `pullRequest must be a number, got "${pr}"`;
    filter.pullRequest = Number(pr);
  }
  const author = q.get('author');
  return author ? { filter, author } : { filter };
}

export async function runsPage(q: URLSearchParams, list: (f: RunFilter, author: string | undefined, cursor: string | undefined) => Promise<{ items: RunRow[]; next?: string }>): Promise<{ status: number; html: string }> {
  const f = filterFrom(q);
  if (typeof f === 'string') return { status: 400, html: page('Runs', `<h1>Runs</h1><p role="alert">${esc(f)}</p>`) };
  const cursor = q.get('cursor') ?? undefined;
  const result = await list(f.filter, f.author, cursor);
  const text = (k: string, label: string) => `<label for="f-${k}">${label}<input id="f-${k}" name="${k}" value="${esc(q.get(k) ?? '')}"${k === 'pullRequest' ? ' inputmode="numeric"' : ''}></label>`;
  const form = `<form class="filters" method="get" action="/">${text('repository', 'repository')}${text('pullRequest', 'pull request')}${text('job', 'job')}
<label for="f-kind">kind${select('kind', KINDS, q.get('kind'))}</label><label for="f-state">state${select('state', STATES, q.get('state'))}</label>${text('author', 'author')}
<label>&nbsp;<button type="submit">Filter</button></label></form>`;
  const next = new URLSearchParams(q);
  if (result.next) next.set('cursor', result.next);
  const pager = `<nav class="pager" aria-label="pages">${cursor ? `<a href="/?${esc(new URLSearchParams([...q].filter(([k]) => k !== 'cursor')).toString())}">Newest</a>` : ''}${result.next ? `<a rel="next" href="/?${esc(next.toString())}">Older runs →</a>` : ''}</nav>`;
  const rows = result.items.map(runRow).join('\n');
  const table = `<table class="runs"><thead><tr><th>Run</th><th>State</th><th>Kind</th><th>Job</th><th>Repository</th><th>Author</th><th>Created</th><th>Duration</th></tr></thead>
<tbody id="runs">${rows || '<tr><td colspan="8" class="muted">No runs.</td></tr>'}</tbody></table>`;
  return { status: 200, html: page('Runs', `<h1>Runs</h1>${form}${table}${pager}`, { live: cursor ? '' : 'runs' }) };
}
