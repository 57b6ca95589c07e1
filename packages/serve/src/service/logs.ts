/**
 * Step logs over HTTP: plain text, `Range: bytes=a-b` (one range, 206 / 416), and `?follow=1`,
 * which streams the file as it grows until the step ends.
 */
import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/** Serves a whole log file, or one byte range of it. */
export function serveLogFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const size = existsSync(file) ? statSync(file).size : 0;
  const range = parseRange(req.headers.range, size);
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  if (range === 'invalid') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
    return;
  }
  if (size === 0) {
    res.writeHead(200, { ...headers, 'content-length': '0' }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, { ...headers, 'content-length': String(end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  createReadStream(file, { start, end }).pipe(res);
}

/**
 * Streams `file` from `from` while `running()` says the step runs: each growth is sent as it is
 * noticed (fs.watch, with a slow poll as a fallback), then the rest once the step has ended.
 */
export function followLogFile(res: ServerResponse, file: string, running: () => Promise<boolean>, from = 0): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  // Send the headers now: a quiet step may write nothing for minutes, and the client waits for them.
  res.flushHeaders();
  let offset = from;
  let busy = false;
  let done = false;
  let watcher: ReturnType<typeof watch> | undefined;
  const sendNew = async (): Promise<void> => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size <= offset) return;
    const end = size - 1;
    await new Promise<void>((resolve, reject) => {
      const s = createReadStream(file, { start: offset, end });
      s.on('data', (c) => res.write(c));
      s.on('end', resolve);
      s.on('error', reject);
    });
    offset = size;
  };
  const tick = async () => {
    if (busy || done) return;
    busy = true;
    try {
      const still = await running();
      await sendNew();
      if (!still) finish();
    } catch {
      finish();
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), 500);
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(timer);
    watcher?.close();
    res.end();
  };
  try {
    if (existsSync(file)) watcher = watch(file, () => void tick());
  } catch {
    // the poll covers it
  }
  res.on('close', finish);
  void tick();
}
