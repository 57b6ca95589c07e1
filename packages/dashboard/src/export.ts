/**
 * `plumbing dashboard export DIR`: the public pages of the stored runs as static files a bucket
 * can serve — `index.html` (the runs, newest first), `runs/<name>/index.html` (a run with its
 * graph, timeline, params and results) and, per step, `runs/<name>/logs/<task>/<step>.html`
 * (every line with its `#L` anchor, up to a cap) next to the raw `<step>.log`. Links are
 * relative, so the tree works under any base URL; runs of private repositories are never written.
 * No script: the pages are the server-rendered ones, read without JavaScript.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunRow, Store } from '@plumbing/serve';
import { CSS, esc, page } from './html.js';
import { linesHtml, readWindow } from './log-page.js';
import { runPage } from './run-page.js';
import { runRow } from './runs-page.js';

/** Log bytes rendered into a static log page; the rest is in the raw file next to it. */
export const STATIC_LOG_BYTES = 8 * 1024 * 1024;

export interface ExportOptions {
  store: Store;
  /** The checkout whose `.plumbing/` holds the step logs. */
  root: string;
  dir: string;
  /** Newest runs to export (default 1000). */
  limit?: number;
}

export interface ExportSummary {
  dir: string;
  runs: number;
  logs: number;
}

const seg = (s: string) => encodeURIComponent(s);

/** An absolute dashboard link as a path relative to the exported tree's root. */
export function staticPath(href: string): string {
  const [path = '', hash] = href.split('#');
  const p = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  let out = 'index.html';
  if (p[0] === 'dashboard' && p[1] === 'app.css') out = 'dashboard/app.css';
  else if (p[0] === 'runs' && p.length === 2) out = `runs/${seg(p[1]!)}/index.html`;
  else if (p[0] === 'runs' && p.length === 5 && p[2] === 'logs') out = `runs/${seg(p[1]!)}/logs/${seg(p[3]!)}/${seg(p[4]!)}.html`;
  else if (p[0] === 'api' && p[2] === 'runs' && p.length === 7 && p[4] === 'logs') out = `runs/${seg(p[3]!)}/logs/${seg(p[5]!)}/${seg(p[6]!)}.log`;
  return hash === undefined ? out : `${out}#${hash}`;
}

/** The page with the live parts taken out and every site link made relative from `depth` directories down. */
export function staticHtml(html: string, depth: number): string {
  const up = '../'.repeat(depth);
  return html
    .replace('<script src="/dashboard/app.js" defer></script>', '')
    .replace(' <a href="/repositories">Repositories</a> <a href="/jobs">Jobs</a>', '')
    .replace(/ data-live="[^"]*"/, '')
    .replace(/<p><a href="\/api\/v1\/runs\/[^"]*">JSON<\/a><\/p>/, '')
    .replace('<!--viewer-->', '')
    .replace(/(href|src|action)="(\/[^"]*)"/g, (_, attr: string, href: string) => `${attr}="${up}${staticPath(href.replace(/&amp;/g, '&'))}"`);
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function exportRun(o: ExportOptions, r: RunRow): Promise<number> {
  const taskRuns = await o.store.taskRunsOf(r.name);
  const steps = await o.store.stepsOf(r.name);
  const runDir = join(o.dir, 'runs', seg(r.name));
  write(join(runDir, 'index.html'), staticHtml(runPage(r, taskRuns, steps), 2));
  let logs = 0;
  for (const s of steps) {
    const task = taskRuns.find((t) => t.name === s.taskRun)?.pipelineTask ?? s.taskRun;
    const src = join(o.root, s.logPath);
    const base = join(runDir, 'logs', seg(task), seg(s.name));
    mkdirSync(dirname(base), { recursive: true });
    if (existsSync(src)) copyFileSync(src, `${base}.log`);
    else writeFileSync(`${base}.log`, '');
    const w = readWindow(src, 0, STATIC_LOG_BYTES);
    const more = w.end < w.total ? `<p class="muted">The first ${w.end} of ${w.total} bytes; the rest is in the <a href="${seg(s.name)}.log">raw log</a>.</p>` : '';
    const body = `<h1><a href="/runs/${seg(r.name)}">${esc(r.name)}</a> › ${esc(task)} › ${esc(s.name)}</h1><p><a href="${seg(s.name)}.log" download>Raw log</a></p><pre class="log" id="log">${linesHtml(w.lines, 1)}</pre>${more}`;
    write(`${base}.html`, staticHtml(page(`${r.name} · ${task} · ${s.name}`, body), 4));
    logs++;
  }
  return logs;
}

export async function exportStatic(o: ExportOptions): Promise<ExportSummary> {
  const limit = o.limit ?? 1000;
  const runs: RunRow[] = [];
  let cursor: string | undefined;
  while (runs.length < limit) {
    const p = await o.store.listRuns({}, Math.min(500, limit - runs.length), cursor);
    runs.push(...p.items);
    if (!p.next) break;
    cursor = p.next;
  }
  let logs = 0;
  for (const r of runs) logs += await exportRun(o, r);
  const table = `<table class="runs"><thead><tr><th>Run</th><th>State</th><th>Kind</th><th>Job</th><th>Repository</th><th>Author</th><th>Created</th><th>Duration</th></tr></thead><tbody>${runs.map(runRow).join('\n')}</tbody></table>`;
  write(join(o.dir, 'index.html'), staticHtml(page('Runs', `<h1>Runs</h1><p class="muted">Exported ${new Date().toISOString()}: the ${runs.length} newest public runs.</p>${table}`), 0));
  write(join(o.dir, 'dashboard', 'app.css'), CSS);
  return { dir: o.dir, runs: runs.length, logs };
}
