/**
 * Pipeline-level variable substitution (§3.1, §3.3). Tekton replaces literal `$(<key>)` keys in
 * one pass per stage (`pkg/substitution/replacements.go`); a stage's output is re-scanned only by
 * later stages. Unknown references stay verbatim. An array (or object) reference that is a whole
 * array element / a whole param value splices (or becomes) that array (object).
 */
import type { ParamValue } from '@plumbing/model';
import { parseExpr } from '@plumbing/model';

/** Resolves the segments of a reference (index not applied) to a value, or undefined if unknown. */
export type Resolve = (segments: string[]) => ParamValue | undefined;

/** Looks a reference expression up, applying `[i]` / `[*]` like Tekton's replacement keys do. */
export function lookupExpr(expr: string, resolve: Resolve): ParamValue | undefined {
  const { segments, index } = parseExpr(expr);
  const v = resolve(segments);
  if (v === undefined) return undefined;
  if (index === undefined) return v;
  if (index === '[*]') return typeof v === 'string' ? undefined : v;
  if (!Array.isArray(v)) return undefined;
  const i = Number(index.slice(1, -1));
  if (!Number.isInteger(i) || i < 0 || i >= v.length) return undefined;
  return v[i];
}

/** Replaces every `$(...)` that resolves to a string; others (arrays, objects, unknown) stay verbatim. */
export function substString(s: string, resolve: Resolve): string {
  if (!s.includes('$(')) return s;
  let out = '';
  let i = 0;
  for (;;) {
    const start = s.indexOf('$(', i);
    if (start < 0) break;
    const end = s.indexOf(')', start);
    if (end < 0) break;
    const text = s.slice(start, end + 1);
    const expr = text.slice(2, -1);
    const v = expr.includes('$(') ? undefined : lookupExpr(expr, resolve);
    if (typeof v === 'string') {
      out += s.slice(i, start) + v;
      i = end + 1;
    } else {
      out += s.slice(i, start + 2);
      i = start + 2;
    }
  }
  return out + s.slice(i);
}

/** The expression when `s` is exactly one reference `$(expr)`. */
export function wholeRef(s: string): string | undefined {
  const t = s;
  if (!t.startsWith('$(') || !t.endsWith(')')) return undefined;
  const inner = t.slice(2, -1);
  if (inner.includes('$(') || inner.includes(')')) return undefined;
  return inner;
}

/** Array substitution: whole-element array references splice in place (empty arrays vanish). */
export function substArray(arr: readonly string[], resolve: Resolve): string[] {
  const out: string[] = [];
  for (const el of arr) {
    const w = typeof el === 'string' ? wholeRef(el) : undefined;
    if (w !== undefined) {
      const v = lookupExpr(w, resolve);
      if (Array.isArray(v)) {
        out.push(...v);
        continue;
      }
    }
    out.push(typeof el === 'string' ? substString(el, resolve) : el);
  }
  return out;
}

/** A Param value: a string that is exactly one array/object reference takes that type (§3.1). */
export function substValue(v: ParamValue, resolve: Resolve): ParamValue {
  if (typeof v === 'string') {
    const w = wholeRef(v);
    if (w !== undefined) {
      const r = lookupExpr(w, resolve);
      if (r !== undefined && typeof r !== 'string') return Array.isArray(r) ? [...r] : { ...r };
    }
    return substString(v, resolve);
  }
  if (Array.isArray(v)) return substArray(v, resolve);
  const o: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) o[k] = substString(x, resolve);
  return o;
}

/** Deep substitution of any JSON-like value: strings replaced, string arrays spliced. */
export function substDeep<T>(value: T, resolve: Resolve): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return substString(v, resolve);
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) return substArray(v as string[], resolve);
      return v.map(visit);
    }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      // a Param's value: a whole array/object reference takes that type
      const isParam = 'name' in v && 'value' in v && typeof (v as { value: unknown }).value === 'string';
      // a when input that is one whole array/object reference becomes its JSON (applyReplacementsAsString)
      const isWhen = 'operator' in v && 'input' in v && typeof (v as { input: unknown }).input === 'string';
      for (const [k, x] of Object.entries(v)) {
        if (isParam && k === 'value') o[k] = substValue(x as string, resolve);
        else if (isWhen && k === 'input') {
          const r = substValue(x as string, resolve);
          o[k] = typeof r === 'string' ? r : JSON.stringify(r);
        } else o[k] = visit(x);
      }
      return o;
    }
    return v;
  };
  return visit(value) as T;
}

/** `params.<p>`, `params.<o>.<k>` (also the legacy `inputs.params.<p>`). */
export function paramsResolver(values: ReadonlyMap<string, ParamValue>): Resolve {
  return (segs) => {
    let s = segs;
    if (s[0] === 'inputs' && s[1] === 'params') s = s.slice(1);
    if (s[0] !== 'params' || s.length < 2) return undefined;
    const v = values.get(s[1] as string);
    if (v === undefined) return undefined;
    if (s.length === 2) return v;
    if (s.length === 3 && typeof v === 'object' && !Array.isArray(v)) return v[s[2] as string];
    return undefined;
  };
}

/** A flat table of dotted keys (`context.pipelineRun.name` → value). */
export function tableResolver(table: ReadonlyMap<string, ParamValue>): Resolve {
  return (segs) => table.get(segs.join('.'));
}

/** Tries resolvers in order. */
export function chain(...rs: Resolve[]): Resolve {
  return (segs) => {
    for (const r of rs) {
      const v = r(segs);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`1h30m`, `90s`, `500ms`, `0`) to milliseconds; undefined if invalid. */
export function parseDuration(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null = re.exec(t);
  if (!m) return undefined;
  while (m) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    pos = re.lastIndex;
    m = re.exec(t);
  }
  return pos === t.length ? Math.round(total) : undefined;
}

/** Formats milliseconds like Go's time.Duration.String() (`1h0m0s`, `1m30s`, `10s`, `500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  const sec = rest % 1000 === 0 ? String(rest / 1000) : (rest / 1000).toFixed(3).replace(/0+$/, '');
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}
