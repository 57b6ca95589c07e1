/**
 * A sparse line index of a log file: the byte offset of every EVERY-th line start, so the viewer
 * can fetch any line's neighbourhood with one Range request. Built once per file and extended as
 * the file grows (a running step), reading 1 MiB at a time with asynchronous reads: a 50 MB log
 * never holds the server's event loop (a synchronous scan held it for 1.5 s, and every request,
 * the page's own first screen included, waited behind it). Callers of one file share one scan.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { type AnsiStyle, ansiStyle } from './ansi.js';

export const EVERY = 1000;
const READ = 1024 * 1024;
const ESC = 27;
const NL = 10;
const RESETS = [Buffer.from('\x1b[0m'), Buffer.from('\x1b[m')];

export interface LineIndex {
  every: number;
  /** offsets[k]: byte offset of line k*every+1. */
  offsets: number[];
  /** styles[k]: the ANSI colours in force at line k*every+1 (a colour set before a chunk carries into it). */
  styles: AnsiStyle[];
  /** The ANSI colours in force at `end`. */
  style: AnsiStyle;
  /** Complete lines (ended by a newline) up to `end`. */
  lines: number;
  /** Bytes covered: just after the last newline. */
  end: number;
  /** File size when read (bytes after `end` are a line still being written). */
  size: number;
}

/** Per-file indexes, extended on each call; owned by one dashboard instance. */
export class LineIndexes {
  private readonly byFile = new Map<string, LineIndex>();
  private readonly busy = new Map<string, Promise<LineIndex>>();

  /** The index of `file` as it is now: concurrent callers wait for one scan, then each sees the file's growth. */
  get(file: string): Promise<LineIndex> {
    const prev = this.busy.get(file);
    const next = (prev ? prev.catch(() => undefined) : Promise.resolve(undefined)).then(() => this.refresh(file));
    this.busy.set(file, next);
    const done = () => {
      if (this.busy.get(file) === next) this.busy.delete(file);
    };
    next.then(done, done);
    return next;
  }

  /**
   * Starts indexing `file` without waiting (the log page does, while it sends its first screen,
   * so the viewer's `?index=1` finds the scan under way or done). A failure here is not lost:
   * the next `get` reads the file again and raises it to its caller.
   */
  warm(file: string): void {
    this.get(file).catch(() => undefined);
  }

  private async refresh(file: string): Promise<LineIndex> {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    let idx = this.byFile.get(file);
    if (!idx || size < idx.end) idx = { every: EVERY, offsets: [0], styles: [{}], style: {}, lines: 0, end: 0, size: 0 };
    if (size > idx.end) await extend(file, idx, size);
    idx.size = size;
    this.byFile.set(file, idx);
    return idx;
  }
}

/** The colours after `bytes` from `style`: only what follows the last full reset (`ESC[0m`, `ESC[m`) can matter. */
function styleAfter(bytes: Buffer, style: AnsiStyle): AnsiStyle {
  const reset = Math.max(...RESETS.map((r) => bytes.lastIndexOf(r)));
  return reset < 0 ? ansiStyle(bytes.toString('utf8'), style) : ansiStyle(bytes.subarray(reset).toString('utf8'), {});
}

/** One scan's state: the index being extended and the bytes of lines not yet folded into its style. */
class Scan {
  /** Bytes of the line that crosses a read, kept only when something in it may be an escape. */
  private carry: Buffer[] = [];

  constructor(readonly idx: LineIndex) {}

  /** Folds buf[a, b) (whole lines, after the carry) into the style. */
  private fold(buf: Buffer, a: number, b: number): void {
    const esc = buf.indexOf(ESC, a);
    if (this.carry.length === 0 && (esc === -1 || esc >= b)) return;
    this.idx.style = styleAfter(Buffer.concat([...this.carry, buf.subarray(a, b)]), this.idx.style);
    this.carry = [];
  }

  /** The n bytes of buf read at file offset pos. */
  read(buf: Buffer, n: number, pos: number): void {
    const idx = this.idx;
    let from = 0;
    let i = buf.indexOf(NL, 0);
    while (i !== -1 && i < n) {
      idx.lines++;
      idx.end = pos + i + 1;
      if (idx.lines % idx.every === 0) {
        this.fold(buf, from, i + 1);
        from = i + 1;
        idx.offsets.push(idx.end);
        idx.styles.push(idx.style);
      }
      i = buf.indexOf(NL, i + 1);
    }
    const last = pos + from < idx.end ? idx.end - pos : from;
    this.fold(buf, from, last);
    const esc = buf.indexOf(ESC, last);
    if (last < n && (this.carry.length > 0 || (esc !== -1 && esc < n))) this.carry.push(Buffer.from(buf.subarray(last, n)));
  }
}

async function extend(file: string, idx: LineIndex, size: number): Promise<void> {
  const buf = Buffer.alloc(READ);
  const fh = await open(file, 'r');
  const scan = new Scan(idx);
  try {
    let pos = idx.end;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ, size - pos), pos);
      if (bytesRead <= 0) break;
      scan.read(buf, bytesRead, pos);
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** The ANSI colours in force at byte `from` (a line start): the index's at the chunk before it, then the lines between. */
export function styleAt(file: string, idx: LineIndex, from: number): AnsiStyle {
  let k = 0;
  while (k + 1 < idx.offsets.length && idx.offsets[k + 1]! <= from) k++;
  const start = idx.offsets[k]!;
  if (from <= start || from > idx.end) return from === start ? (idx.styles[k] ?? {}) : {};
  const buf = Buffer.alloc(from - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  if (buf.indexOf(ESC) === -1) return idx.styles[k] ?? {};
  return styleAfter(buf, idx.styles[k] ?? {});
}
