/**
 * Durations, written once. `parseGoDuration` is Go's `time.ParseDuration` (src/time/format.go),
 * ported line by line: Tekton parses every timeout with it, so `check` and `run` both use this.
 * `formatGoDuration` is Go's `Duration.String()` (src/time/time.go), the form of Tekton's
 * timeout messages. `parseHumanDuration` is the one extension, for this project's CLI flags:
 * Go's syntax plus the units `d` (24h) and `w` (7d), as in `--min-age 7d`.
 */

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SECOND = 1000n * MS;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const DAY = 24n * HOUR;

const GO_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', US],
  ['µs', US], // U+00B5 micro sign
  ['μs', US], // U+03BC Greek mu
  ['ms', MS],
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
]);
const HUMAN_UNITS: ReadonlyMap<string, bigint> = new Map([...GO_UNITS, ['d', DAY], ['w', 7n * DAY]]);

const MAX_U = 1n << 63n;

/** A parse result: the duration in nanoseconds, or Go's error text. */
export type DurationParse = { ok: true; ns: bigint } | { ok: false; error: string };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's leadingInt: the leading digits of `s` from `i`; undefined on overflow. */
function leadingInt(s: string, i: number): { x: bigint; end: number } | undefined {
  let x = 0n;
  let j = i;
  for (; j < s.length && isDigit(s[j]); j++) {
    if (x > MAX_U / 10n) return undefined;
    x = x * 10n + BigInt(s.charCodeAt(j) - 48);
    if (x > MAX_U) return undefined;
  }
  return { x, end: j };
}

/** Go's leadingFraction: digits after the point; stops accumulating precision on overflow. */
function leadingFraction(s: string, i: number): { x: bigint; scale: number; end: number } {
  let x = 0n;
  let scale = 1;
  let overflow = false;
  let j = i;
  for (; j < s.length && isDigit(s[j]); j++) {
    if (overflow) continue;
    if (x > (MAX_U - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + BigInt(s.charCodeAt(j) - 48);
    if (y > MAX_U) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return { x, scale, end: j };
}

/** One `<number><unit>` term at `i`: its nanoseconds and where it ends, or an error. */
function term(s: string, i: number, units: ReadonlyMap<string, bigint>): { v: bigint; end: number } | string {
  if (!(s[i] === '.' || isDigit(s[i]))) return 'invalid duration';
  const int = leadingInt(s, i);
  if (!int) return 'invalid duration';
  const pre = int.end !== i;
  let end = int.end;
  let frac = { x: 0n, scale: 1 };
  let post = false;
  if (s[end] === '.') {
    const f = leadingFraction(s, end + 1);
    post = f.end !== end + 1;
    frac = f;
    end = f.end;
  }
  if (!pre && !post) return 'invalid duration';
  let u = end;
  while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
  if (u === end) return 'missing unit in duration';
  const name = s.slice(end, u);
  const unit = units.get(name);
  if (unit === undefined) return `unknown unit ${JSON.stringify(name)} in duration`;
  if (int.x > MAX_U / unit) return 'invalid duration';
  let v = int.x * unit;
  if (frac.x > 0n) {
    // float64, as Go does, to be nanosecond-accurate for fractions of hours
    v += BigInt(Math.trunc(Number(frac.x) * (Number(unit) / frac.scale)));
    if (v > MAX_U) return 'invalid duration';
  }
  return { v, end: u };
}

function parseWith(s: string, units: ReadonlyMap<string, bigint>): DurationParse {
  const fail = (message: string): DurationParse => ({ ok: false, error: `time: ${message} ${JSON.stringify(s)}` });
  let i = 0;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    i = 1;
  }
  if (s.slice(i) === '0') return { ok: true, ns: 0n };
  if (i === s.length) return fail('invalid duration');
  let d = 0n;
  while (i < s.length) {
    const t = term(s, i, units);
    if (typeof t === 'string') return fail(t);
    d += t.v;
    if (d > MAX_U) return fail('invalid duration');
    i = t.end;
  }
  if (neg) return { ok: true, ns: -d };
  if (d > MAX_U - 1n) return fail('invalid duration');
  return { ok: true, ns: d };
}

/** Go's `time.ParseDuration`: `1h30m`, `-1.5h`, `.5s`, `1μs`, `0`; no spaces, no unitless numbers but `0`. */
export function parseGoDurationNs(s: string): DurationParse {
  return parseWith(s, GO_UNITS);
}

/** Go's `time.ParseDuration` in milliseconds (fractional below 1ms); undefined when Go refuses it. */
export function parseGoDuration(s: string): number | undefined {
  const r = parseWith(s, GO_UNITS);
  return r.ok ? Number(r.ns) / 1e6 : undefined;
}

/**
 * A duration given on the command line: Go's syntax plus `d` (24h) and `w` (7 days), e.g. `7d`,
 * `2w`, `1d12h`, `90s`. Milliseconds, or Go-style error text for the caller's usage error.
 */
export function parseHumanDuration(s: string): { ok: true; ms: number } | { ok: false; error: string } {
  const r = parseWith(s, HUMAN_UNITS);
  return r.ok ? { ok: true, ms: Number(r.ns) / 1e6 } : r;
}

function fmtFrac(v: bigint, prec: number): { text: string; v: bigint } {
  let text = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) text = String(digit) + text;
    v /= 10n;
  }
  return { text: print ? `.${text}` : '', v };
}

/** Go's `Duration.String()` of a nanosecond count: `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `1.5µs`, `0s`. */
export function formatGoDurationNs(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    const [prec, unit] = u < US ? [0, 'ns'] : u < MS ? [3, 'µs'] : [6, 'ms'];
    const f = fmtFrac(u, prec);
    out = `${f.v}${f.text}${unit}`;
  } else {
    const f = fmtFrac(u, 9);
    u = f.v;
    out = `${u % 60n}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Go's `Duration.String()` of milliseconds (rounded to the nanosecond). */
export function formatGoDuration(ms: number): string {
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}
