/**
 * A sparse line index of a log file: the byte offset of every EVERY-th line start, so the viewer
 * can fetch any line's neighbourhood with one Range request. Built once per file and extended as
 * the file grows (a running step), reading 1 MiB at a time.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export const EVERY = 1000;
const READ = 1024 * 1024;

export interface LineIndex {
  every: number;
  /** offsets[k]: byte offset of line k*every+1. */
  offsets: number[];
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
    if (!idx || size < idx.end) idx = { every: EVERY, offsets: [0], lines: 0, end: 0, size: 0 };
    if (size > idx.end) extend(file, idx, size);
    idx.size = size;
    this.byFile.set(file, idx);
    return idx;
  }
}

function extend(file: string, idx: LineIndex, size: number): void {
  const buf = Buffer.alloc(READ);
  const fd = openSync(file, 'r');
  try {
    let pos = idx.end;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(READ, size - pos), pos);
      if (n <= 0) break;
      let i = buf.indexOf(10, 0);
      while (i !== -1 && i < n) {
        idx.lines++;
        idx.end = pos + i + 1;
        if (idx.lines % idx.every === 0) idx.offsets.push(idx.end);
        i = buf.indexOf(10, i + 1);
      }
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}
