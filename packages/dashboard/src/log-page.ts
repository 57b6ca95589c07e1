/**
 * The log page of one step: a window of lines rendered on the server (each with an `#L<n>`
 * anchor, ANSI colours as spans), the rest fetched a window at a time by the viewer script as
 * you scroll; `?q=` lists the matching lines. Logs are already redacted when serve writes them.
 */
import { createReadStream, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AnsiStyle, ansiToHtml } from './ansi.js';
import { esc, page } from './html.js';

export const WINDOW = 16 * 1024;

/** Lines of `file` from byte `from` (a line start), at most about WINDOW bytes, cut at a newline. */
export function readWindow(file: string, from: number, size = WINDOW): { lines: string[]; end: number; total: number } {
  const total = existsSync(file) ? statSync(file).size : 0;
  if (from >= total) return { lines: [], end: total, total };
  const buf = Buffer.alloc(Math.min(size, total - from));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  let cut = buf.length;
  if (from + buf.length < total) {
    const nl = buf.lastIndexOf(10);
    cut = nl >= 0 ? nl + 1 : buf.length;
  }
  const text = buf.subarray(0, cut).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines, end: from + cut, total };
}

export function linesHtml(lines: string[], firstLine: number, from: AnsiStyle = {}): string {
  let style = from;
  return lines
    .map((l, i) => {
      const n = firstLine + i;
      const r = ansiToHtml(l, style);
      style = r.style;
      return `<span class="l" id="L${n}"><a class="n" href="#L${n}" aria-label="line ${n}">${n}</a>${r.html}</span>`;
    })
    .join('');
}

async function search(file: string, q: string, max = 1000): Promise<{ n: number; html: string }[]> {
  const out: { n: number; html: string }[] = [];
  if (!existsSync(file)) return out;
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  const needle = q.toLowerCase();
  for await (const line of rl) {
    n++;
    const plain = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    if (plain.toLowerCase().includes(needle)) out.push({ n, html: esc(plain) });
    if (out.length >= max) {
      rl.close();
      break;
    }
  }
  return out;
}

export interface LogRef {
  run: string;
  task: string;
  step: string;
  file: string;
  href: string;
  /** Byte ranges of the log (the API's URL for a public run). */
  raw: string;
  /** Streams a running step from a byte offset, or undefined (finished, or not offered). */
  follow?: string;
  running: boolean;
}

/** Where the no-JavaScript page starts: byte `from` at line `line` (both from the index, or `?from=&line=`). */
export interface Start {
  from: number;
  line: number;
  /** Bytes to read at least (to reach an `?at=` line). */
  size?: number;
  /** The ANSI colours in force at `from` (set by an earlier line). */
  style?: AnsiStyle;
}

export async function searchJson(file: string, q: string): Promise<{ lines: number[]; capped: boolean }> {
  const hits = await search(file, q);
  return { lines: hits.map((h) => h.n), capped: hits.length >= 1000 };
}

export async function logPage(ref: LogRef, q: URLSearchParams, start: Start): Promise<string> {
  const title = `${ref.run} · ${ref.task} · ${ref.step}`;
  const head = `<h1><a href="/runs/${encodeURIComponent(ref.run)}">${esc(ref.run)}</a> › ${esc(ref.task)} › ${esc(ref.step)}${ref.running ? ' <span class="badge state-running">running</span>' : ''}</h1>
<form class="filters" method="get" action="${esc(ref.href)}" role="search"><label for="q">search in the log<input id="q" name="q" value="${esc(q.get('q') ?? '')}"></label><label>&nbsp;<button type="submit">Search</button></label>
<label>&nbsp;<a href="${esc(ref.raw)}" download>Raw log</a></label></form><p id="search-status" class="muted" aria-live="polite"></p>`;
  const query = q.get('q');
  if (query) {
    const hits = await search(ref.file, query);
    const list = hits.map((h) => `<span class="l"><a class="n" href="${esc(ref.href)}?at=${h.n}#L${h.n}">${h.n}</a>${h.html}</span>`).join('');
    return page(title, `${head}<p>${hits.length} matching line${hits.length === 1 ? '' : 's'}${hits.length >= 1000 ? ' (first 1000)' : ''}.</p><pre class="log" id="hits">${list}</pre>`);
  }
  const w = readWindow(ref.file, start.from, Math.max(WINDOW, start.size ?? 0));
  const data = `data-raw="${esc(ref.raw)}" data-index="${esc(ref.href)}?index=1" data-search="${esc(ref.href)}?format=json&amp;q="${ref.follow ? ` data-follow="${esc(ref.follow)}"` : ''}`;
  const next = w.end < w.total ? `<p id="more" class="muted">Lines ${start.line}–${start.line + w.lines.length - 1} (bytes ${start.from}–${w.end} of ${w.total}). <a rel="next" href="${esc(ref.href)}?from=${w.end}&amp;line=${start.line + w.lines.length}">Next lines →</a> · <a href="${esc(ref.raw)}">raw log</a></p>` : '';
  const refresh = ref.running ? '<noscript><meta http-equiv="refresh" content="5"></noscript>' : '';
  return page(title, `${head}${refresh}<pre class="log" id="log" ${data}>${linesHtml(w.lines, start.line, start.style)}</pre>
${next}`);
}
