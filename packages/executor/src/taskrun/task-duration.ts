/** Go's time.Duration text form, as Tekton prints and parses timeouts (`1h0m0s`, `30s`, `500ms`). */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `1h30m`, `10s`, `1.5s`, `500ms` into milliseconds; undefined if malformed. */
export function parseGoDuration(s: string): number | undefined {
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null = re.exec(t);
  while (m) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched += m[0].length;
    m = re.exec(t);
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

/** Formats milliseconds as Go's Duration.String(): `1h0m0s`, `1m30s`, `10s`, `1.5s`, `500ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${trim(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  let out = '';
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  return `${out}${trim(s)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
