/**
 * The log page route: `/runs/<run>/logs/<task>/<step>` (HTML; `?from=&line=` or `?at=LINE` pick
 * where the server-rendered lines start, for reading without JavaScript), `?index=1` (the sparse
 * line index as JSON), `?format=json&q=` (the matching line numbers), and `?raw=1` (byte ranges,
 * for runs of private repositories, which the public API does not serve without its token).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { followLogFile, parseRange } from '@plumbing/serve';
import { type Ctx, notFound, send, sendPage, visibleRun } from './ctx.js';
import { esc, page } from './html.js';
import { type LineIndexes, styleAt } from './log-index.js';
import { logPage, type Start, searchJson } from './log-page.js';

function rawRange(req: IncomingMessage, res: ServerResponse, file: string): true {
  const size = existsSync(file) ? statSync(file).size : 0;
  const range = parseRange(req.headers.range, size);
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'accept-ranges': 'bytes', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  if (range === 'invalid') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
    return true;
  }
  if (size === 0) {
    res.writeHead(200, { ...headers, 'content-length': '0' }).end();
    return true;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, { ...headers, 'content-length': String(end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  createReadStream(file, { start, end }).pipe(res);
  return true;
}

async function startOf(q: URLSearchParams, indexes: LineIndexes, file: string): Promise<Start | string> {
  const at = q.get('at');
  if (at !== null) {
    if (!/^[1-9]\d*$/.test(at)) return `at must be a line number, got "${at}"`;
    const idx = await indexes.get(file);
    const k = Math.floor((Number(at) - 1) / idx.every);
    const from = idx.offsets[k] ?? 0;
    return { from, line: k * idx.every + 1, size: (idx.offsets[k + 1] ?? idx.size) - from, style: idx.styles[k] ?? {} };
  }
  const from = Number(q.get('from') ?? 0);
  const line = Number(q.get('line') ?? 1);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(line) || line < 1) return 'from and line must be whole numbers';
  return { from, line, ...(from > 0 ? { style: styleAt(file, await indexes.get(file), from) } : {}) };
}

export async function logRoute(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL, parts: string[], indexes: LineIndexes): Promise<true> {
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
  const running = s.state === 'running' && run.state === 'running';
  const q = url.searchParams;
  if (q.get('raw') === '1') return rawRange(req, res, file);
  if (q.get('index') === '1') {
    const idx = await indexes.get(file);
    // A finished log's last line may lack its newline: it still counts.
    const tail = !running && idx.size > idx.end;
    const body = { every: idx.every, offsets: idx.offsets, styles: idx.styles, style: idx.style, lines: idx.lines + (tail ? 1 : 0), end: tail ? idx.size : idx.end, size: idx.size };
    return send(res, 200, 'application/json', JSON.stringify(body));
  }
  if (q.get('follow') === '1') {
    // The live tail of a running step, behind the same access check as the page (a private run's too).
    const running = async () => {
      const now = (await store.stepsOf(name)).find((x) => x.taskRun === s.taskRun && x.name === step);
      return now?.state === 'running' && (await store.getRun(name))?.state === 'running';
    };
    const from = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1];
    followLogFile(res, file, running, from === undefined ? 0 : Number(from));
    return true;
  }
  if (q.get('format') === 'json') return send(res, 200, 'application/json', JSON.stringify(await searchJson(file, q.get('q') ?? '')));
  // The first screen is read from the log's first bytes, without the index; the viewer asks for
  // the index next, so its scan starts now, alongside this response.
  indexes.warm(file);
  const start = await startOf(q, indexes, file);
  if (typeof start === 'string') return sendPage(ctx, res, 400, page('Bad request', `<p role="alert">${esc(start)}</p>`));
  const api = `/api/v1${href}`;
  const ref = { run: name, task, step, file, href, raw: run.private ? `${href}?raw=1` : api, running, ...(running ? { follow: run.private ? `${href}?follow=1` : `${api}?follow=1` } : {}) };
  return sendPage(ctx, res, 200, await logPage(ref, q, start), href);
}
