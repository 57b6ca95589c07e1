/**
 * The repositories page, "is the org green?": each repository's newest default-branch run and its
 * open pull requests (open as their last pull_request delivery said) with the newest run of each.
 * Runs of pull requests whose state serve never saw (no pull_request delivery reached it) are
 * listed apart, for the last 30 days, and the page says so.
 */
import type { OpenPullRequest, RunRow } from '@plumbing/serve';
import { duration, esc, page, stateBadge } from './html.js';

export const UNSEEN_PR_WINDOW_DAYS = 30;

function runCell(r: RunRow): string {
  return `<a href="/runs/${encodeURIComponent(r.name)}">${esc(r.job)}</a> ${stateBadge(r.state)} <span class="muted">${esc(r.created.replace('T', ' ').slice(0, 16))}${r.finished ? ` · ${esc(duration(r.started, r.finished))}` : ''}</span>`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function openList(gh: string, prs: OpenPullRequest[]): string {
  if (prs.length === 0) return '<p class="muted">No open pull request.</p>';
  const rows = prs.map((p) => {
    const title = p.title ? ` <span class="pr-title">${esc(p.title)}</span>` : '';
    return `<li data-pr="${p.number}" data-state="${esc(p.run?.state ?? 'none')}"><a href="${esc(gh)}/pull/${p.number}">#${p.number}</a>${title} ${p.run ? runCell(p.run) : '<span class="muted">no run yet</span>'}</li>`;
  });
  return `<details open><summary>${plural(prs.length, 'open pull request', 'open pull requests')}</summary><ul class="prs">${rows.join('')}</ul></details>`;
}

function unseenList(gh: string, runs: RunRow[]): string {
  if (runs.length === 0) return '';
  const rows = runs.map((r) => `<li data-pr-unseen="${r.pullRequest}"><a href="${esc(gh)}/pull/${r.pullRequest}">#${r.pullRequest}</a> ${runCell(r)}</li>`).join('');
  return `<details class="unseen"><summary>${plural(runs.length, 'pull request', 'pull requests')} of unknown state (serve received no pull_request event for ${runs.length === 1 ? 'it' : 'them'}), with a run in the last ${UNSEEN_PR_WINDOW_DAYS} days</summary><ul class="prs">${rows}</ul></details>`;
}

function byRepository<T>(xs: readonly T[], repo: (x: T) => string | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = repo(x);
    if (!k) continue;
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export function reposPage(heads: RunRow[], open: OpenPullRequest[], unseen: RunRow[] = []): string {
  const headOf = byRepository(heads, (r) => r.repository);
  const openOf = byRepository(open, (p) => p.repository);
  const unseenOf = byRepository(unseen, (r) => r.repository);
  const repos = [...new Set([...headOf.keys(), ...openOf.keys(), ...unseenOf.keys()])].sort();
  const green = heads.filter((r) => r.state === 'succeeded').length;
  const sections = repos.map((repo) => {
    const head = headOf.get(repo)?.[0];
    const gh = `https://github.com/${repo}`;
    return `<section class="repo" data-repo="${esc(repo)}" data-state="${esc(head?.state ?? 'none')}"><h2><a href="/?repository=${encodeURIComponent(repo)}">${esc(repo)}</a></h2>
<p>default branch: ${head ? runCell(head) : '<span class="muted">no run yet</span>'}</p>
${openList(gh, openOf.get(repo) ?? [])}${unseenList(gh, unseenOf.get(repo) ?? [])}</section>`;
  });
  const summary = `<p id="org-summary">${green} of ${heads.length} repositor${heads.length === 1 ? 'y is' : 'ies are'} green on the default branch.</p>`;
  return page('Repositories', `<h1>Repositories</h1>${summary}${sections.join('\n') || '<p class="muted">No runs of any repository yet.</p>'}`);
}
