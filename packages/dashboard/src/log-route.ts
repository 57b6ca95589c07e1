/**
 * The log page route: `/runs/<run>/logs/<task>/<step>` (HTML), `?fragment=1&from=&line=` (a
 * window of lines as HTML for the viewer), `?index=1` (the sparse line index as JSON).
 */
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { linesHtml, logPage, readWindow } from './log-page.js';
import { type Ctx, notFound, send, sendPage, visibleRun } from './ctx.js';

export async function logRoute(ctx: Ctx, res: ServerResponse, url: URL, parts: string[]): Promise<true> {
  const [, name, , task, step] = parts as [string, string, string, string, string];
  const run = await visibleRun(ctx, name);
  if (!run) return notFound(ctx, res, `run "${name}" not found`);
  const store = ctx.core.store;
  const trs = await store.taskRunsOf(name);
  const tr = trs.find((t) => t.pipelineTask === task) ?? trs.find((t) => t.name === task);
  const s = (await store.stepsOf(name)).find((x) => x.taskRun === (tr?.name ?? task) && x.name === step);
  if (!s) return notFound(ctx, res, `no step "${step}" of task "${task}" in run "${name}"`);
  const file = join(ctx.core.root, s.logPath);
  const href = `/runs/${encodeURIComponent(name)}/logs/${encodeURIComponent(task)}/${encodeURIComponent(step)}`;
  if (url.searchParams.get('fragment') === '1') {
    const from = Number(url.searchParams.get('from') ?? 0);
    const line = Number(url.searchParams.get('line') ?? 1);
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(line) || line < 1) return send(res, 400, 'application/json', JSON.stringify({ message: 'from and line must be whole numbers' }));
    const w = readWindow(file, from);
    return send(res, 200, 'application/json', JSON.stringify({ html: linesHtml(w.lines, line), next: w.end, line: line + w.lines.length }));
  }
  const html = await logPage({ run: name, task, step, file, href, raw: `/api/v1${href}` }, url.searchParams);
  return sendPage(ctx, res, 200, html, href);
}
