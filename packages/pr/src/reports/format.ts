// Small text helpers shared by the reports.

/** `1h 2m`, `3m 4s`, `5s`, `120ms`. */
export function humanDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** At most `max` characters, the end replaced by `…` when cut. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A Markdown table cell: pipes escaped, one line. */
export const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The last `n` lines of a log (a trailing newline does not count as a line). */
export function lastLines(log: string, n: number): string {
  const lines = log.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.slice(-n).join('\n');
}
