/**
 * The repositories page, "is the org green?": each repository's newest default-branch run and
 * the newest run of each pull request active in the last 30 days.
 */
import type { RunRow } from '@plumbing/serve';
import { duration, esc, page, stateBadge } from './html.js';

export const PR_WINDOW_DAYS = 30;

function runCell(r: RunRow): string {
  return `<a href="/runs/${encodeURIComponent(r.name)}">${esc(r.job)}</a> ${stateBadge(r.state)} <span class="muted">${esc(r.created.replace('T', ' ').slice(0, 16))}${r.finished ? ` · ${esc(duration(r.started, r.finished))}` : ''}</span>`;
}

export function reposPage(heads: RunRow[], pulls: RunRow[]): string {
  const repos = [...new Set([...heads, ...pulls].map((r) => r.repository ?? ''))].filter(Boolean).sort();
  const green = heads.filter((r) => r.state === 'succeeded').length;
  const sections = repos.map((repo) => {
    const head = heads.find((r) => r.repository === repo);
    const prs = pulls.filter((r) => r.repository === repo);
    const gh = `https://github.com/${repo}`;
    const prRows = prs.map((r) => `<li data-pr="${r.pullRequest}"><a href="${esc(gh)}/pull/${r.pullRequest}">#${r.pullRequest}</a> ${runCell(r)}</li>`).join('');
    return `<section class="repo" data-repo="${esc(repo)}" data-state="${esc(head?.state ?? 'none')}"><h2><a href="/?repository=${encodeURIComponent(repo)}">${esc(repo)}</a></h2>
<p>default branch: ${head ? runCell(head) : '<span class="muted">no run yet</span>'}</p>
${prs.length ? `<details open><summary>${prs.length} pull request${prs.length === 1 ? '' : 's'} with runs</summary><ul class="prs">${prRows}</ul></details>` : '<p class="muted">No pull request with a run in the last 30 days.</p>'}</section>`;
  });
  const summary = `<p id="org-summary">${green} of ${heads.length} repositor${heads.length === 1 ? 'y is' : 'ies are'} green on the default branch.</p>`;
  return page('Repositories', `<h1>Repositories</h1>${summary}${sections.join('\n') || '<p class="muted">No runs of any repository yet.</p>'}`);
}
