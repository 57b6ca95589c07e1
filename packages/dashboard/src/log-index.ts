/**
 * A sparse line index of a log file: the byte offset of every EVERY-th line start, so the viewer
 * can fetch any line's neighbourhood with one Range request. Built once per file and extended as
 * the file grows (a running step), reading 1 MiB at a time.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { type AnsiStyle, ansiStyle } from './ansi.js';

export const EVERY = 1000;
const READ = 1024 * 1024;

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

  get(file: string): LineIndex {
    const size = existsSync(file) ? statSync(file).size : 0;
    let idx = this.byFile.get(file);
    if (!idx || size < idx.end) idx = { every: EVERY, offsets: [0], styles: [{}], style: {}, lines: 0, end: 0, size: 0 };
    if (size > idx.end) extend(file, idx, size);
    idx.size = size;
    this.byFile.set(file, idx);
    return idx;
  }
}

function extend(file: string, idx: LineIndex, size: number): void {
  const buf = Buffer.alloc(READ);
  const fd = openSync(file, 'r');
  // The bytes of a line that crosses a read, kept only when the line has an escape (ESC, 27).
  let carry: Buffer[] = [];
  try {
    let pos = idx.end;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(READ, size - pos), pos);
      if (n <= 0) break;
      let lineStart = 0;
      let i = buf.indexOf(10, 0);
      while (i !== -1 && i < n) {
        const esc = buf.indexOf(27, lineStart);
        if (carry.length > 0 || (esc !== -1 && esc < i)) {
          idx.style = ansiStyle(Buffer.concat([...carry, buf.subarray(lineStart, i)]).toString('utf8'), idx.style);
          carry = [];
        }
        idx.lines++;
        idx.end = pos + i + 1;
        if (idx.lines % idx.every === 0) {
          idx.offsets.push(idx.end);
          idx.styles.push(idx.style);
        }
        lineStart = i + 1;
        i = buf.indexOf(10, lineStart);
      }
      const esc = buf.indexOf(27, lineStart);
      if (lineStart < n && (carry.length > 0 || (esc !== -1 && esc < n))) carry.push(Buffer.from(buf.subarray(lineStart, n)));
      pos += n;
    }
  } finally {
    closeSync(fd);
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
  if (buf.indexOf(27) === -1) return idx.styles[k] ?? {};
  return ansiStyle(buf.toString('utf8'), idx.styles[k] ?? {});
}
