/**
 * The jobs page: each periodic job with its schedule, next tick, last success and its age, and a
 * red mark when the last success is older than two periods (a job that silently stopped).
 */
import { cronMatches, type RunRow } from '@plumbing/serve';
import { esc, page, stateBadge } from './html.js';

export interface JobInfo {
  name: string;
  /** Cron, 5 fields (or 6 with seconds first), in UTC. */
  schedule: string;
  timezone?: string;
}

export interface JobFacts {
  job: JobInfo;
  lastSuccess: string | undefined;
  lastRun: RunRow | undefined;
}

const HOURS_AHEAD = 366 * 24;

/** The 5-field form (a 6-field expression's seconds dropped), or undefined when it is not cron. */
function minutes(expr: string): string | undefined {
  const f = expr.trim().split(/\s+/);
  if (f.length === 6) return f.slice(1).join(' ');
  return f.length === 5 ? f.join(' ') : undefined;
}

/**
 * The first minute strictly after `after` that the expression matches (UTC), within a year:
 * hours that cannot match are skipped whole, so a rare schedule costs thousands of checks, not
 * half a million.
 */
export function nextTick(expr: string, after: Date): Date | undefined {
  const cron = minutes(expr);
  if (!cron) return undefined;
  const anyMinute = `* ${cron.split(' ').slice(1).join(' ')}`;
  const t = new Date(after);
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  for (let h = 0; h <= HOURS_AHEAD; h++) {
    if (cronMatches(anyMinute, t)) {
      for (let m = t.getUTCMinutes(); m < 60; m++) {
        t.setUTCMinutes(m);
        if (cronMatches(cron, t)) return new Date(t);
      }
    }
    t.setUTCHours(t.getUTCHours() + 1, 0);
  }
  return undefined;
}

/** The time between the next tick and the one after it (the job's period as it stands now). */
export function periodMs(expr: string, now: Date): number | undefined {
  const a = nextTick(expr, now);
  const b = a && nextTick(expr, a);
  return a && b ? b.getTime() - a.getTime() : undefined;
}

/** `3 d 4 h`, `5 h 2 m`, `42 m`, `12 s`. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} m` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Stale: no success within two periods (or never, once the job has had two periods to run). */
export function isStale(f: JobFacts, now: Date): boolean {
  const period = periodMs(f.job.schedule, now);
  if (period === undefined) return false;
  if (!f.lastSuccess) return f.lastRun !== undefined && now.getTime() - Date.parse(f.lastRun.created) > 2 * period;
  return now.getTime() - Date.parse(f.lastSuccess) > 2 * period;
}

function jobRow(f: JobFacts, now: Date): string {
  const next = nextTick(f.job.schedule, now);
  const stale = isStale(f, now);
  const success = f.lastSuccess
    ? `<time datetime="${esc(f.lastSuccess)}">${esc(f.lastSuccess.replace('T', ' ').slice(0, 19))}</time> <span class="muted">(${esc(age(now.getTime() - Date.parse(f.lastSuccess)))} ago)</span>`
    : '<span class="muted">never</span>';
  const mark = stale ? ' <span class="badge state-failed stale" title="no success within two periods">stale</span>' : '';
  const last = f.lastRun ? `<a href="/runs/${encodeURIComponent(f.lastRun.name)}">${esc(f.lastRun.name)}</a> ${stateBadge(f.lastRun.state)}` : '<span class="muted">none</span>';
  return `<tr data-job="${esc(f.job.name)}"${stale ? ' class="stale"' : ''}><th scope="row"><a href="/?kind=periodic&amp;job=${encodeURIComponent(f.job.name)}">${esc(f.job.name)}</a></th>
<td><code>${esc(f.job.schedule)}</code>${f.job.timezone ? ` <span class="muted">${esc(f.job.timezone)}</span>` : ''}</td>
<td>${next ? `<time datetime="${next.toISOString()}">${next.toISOString().replace('T', ' ').slice(0, 16)}</time>` : '<span class="muted">none within a year</span>'}</td>
<td>${success}${mark}</td><td>${last}</td></tr>`;
}

export function jobsPage(facts: JobFacts[], now: Date): string {
  const rows = facts.map((f) => jobRow(f, now)).join('\n');
  const table = `<table class="jobs"><thead><tr><th>Job</th><th>Schedule (UTC)</th><th>Next tick</th><th>Last success</th><th>Last run</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5" class="muted">No periodic jobs are scheduled here.</td></tr>'}</tbody></table>`;
  return page('Jobs', `<h1>Periodic jobs</h1>${table}<p class="muted">A red mark: the last success is older than two periods of the schedule.</p>`);
}
