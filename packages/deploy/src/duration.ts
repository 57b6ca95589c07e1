import { PlumbingError } from '@plumbing/model';

/** `90s`, `10m`, `1h30m`, `500ms`, `0` → milliseconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== text.length) throw new PlumbingError('USAGE', `bad duration "${text}": use e.g. 30s, 10m, 1h`, { exitCode: 2 });
  return total;
}
