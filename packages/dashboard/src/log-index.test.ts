import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnsiStyle, ansiStyle } from './ansi.js';
import { EVERY, LineIndexes } from './log-index.js';

/** The index as the plain definition gives it: every line's colours, one line at a time. */
function expected(text: string): { offsets: number[]; styles: AnsiStyle[]; style: AnsiStyle; lines: number } {
  const offsets = [0];
  const styles: AnsiStyle[] = [{}];
  let style: AnsiStyle = {};
  let at = 0;
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((l, i) => {
    style = ansiStyle(l, style);
    at += Buffer.byteLength(l) + 1;
    if ((i + 1) % EVERY === 0) {
      offsets.push(at);
      styles.push(style);
    }
  });
  return { offsets, styles, style, lines: lines.length };
}

describe('LineIndexes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-index-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the offsets and colours of the line-by-line definition, with escapes split across reads, resets and several codes', async () => {
    const file = join(dir, 'step.log');
    const colours = ['\x1b[31m', '\x1b[1;4m', '\x1b[0m', '\x1b[m', '\x1b[42m', '\x1b[22;39m', '\x1b]0;title\x07', '', '', 'é'];
    // Lines of varied length so that escapes fall on both sides of each 1 MiB read.
    const lines = Array.from({ length: 40_000 }, (_, i) => `${colours[i % colours.length]}line ${i} ${'y'.repeat((i * 7919) % 97)}${colours[(i * 3) % colours.length]}`);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(file, text);
    const idx = await new LineIndexes().get(file);
    expect(idx).toEqual({ every: EVERY, ...expected(text), end: Buffer.byteLength(text), size: Buffer.byteLength(text) });
  });

  it('keeps a colour set in a line that crosses a 1 MiB read, the escape itself split or not', async () => {
    for (const shift of [-12, -3, -1, 0, 2]) {
      const file = join(dir, `cross${shift}.log`);
      const plain = 'p'.repeat(99);
      const before = Array.from({ length: Math.floor((1024 * 1024 - 200) / 100) }, () => plain).join('\n');
      // The escape starts `shift` bytes from the read boundary, inside a line that ends after it.
      const pad = 'q'.repeat(1024 * 1024 - Buffer.byteLength(before) - 1 - 50 + shift);
      const text = `${before}\n${'r'.repeat(50)}${pad}\x1b[35m${'z'.repeat(30)}\n${`${plain}\n`.repeat(2 * EVERY)}`;
      writeFileSync(file, text);
      const idx = await new LineIndexes().get(file);
      expect({ shift, styles: idx.styles.slice(-2), style: idx.style }).toEqual({ shift, styles: [{ fg: 5 }, { fg: 5 }], style: { fg: 5 } });
    }
  });

  it('answers concurrent callers with one index and extends it as the log grows', async () => {
    const file = join(dir, 'step.log');
    const first = Array.from({ length: 2500 }, (_, i) => `\x1b[3${i % 8}mline ${i}`).join('\n');
    writeFileSync(file, `${first}\npartial`);
    const indexes = new LineIndexes();
    const [a, b] = await Promise.all([indexes.get(file), indexes.get(file)]);
    expect(b).toBe(a);
    expect({ lines: a.lines, offsets: a.offsets.length, size: a.size }).toEqual({ lines: 2500, offsets: 3, size: Buffer.byteLength(`${first}\npartial`) });
    appendFileSync(file, `${' more'.repeat(3)}\n${'\x1b[0mnext\n'.repeat(600)}`);
    const grown = await indexes.get(file);
    const all = `${first}\npartial${' more'.repeat(3)}\n${'\x1b[0mnext\n'.repeat(600)}`;
    expect(grown).toEqual({ every: EVERY, ...expected(all), end: Buffer.byteLength(all), size: Buffer.byteLength(all) });
  });

  it('indexes a log that does not exist yet as empty', async () => {
    expect(await new LineIndexes().get(join(dir, 'none.log'))).toEqual({ every: EVERY, offsets: [0], styles: [{}], style: {}, lines: 0, end: 0, size: 0 });
  });
});
