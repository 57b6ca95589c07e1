import { createHash } from 'node:crypto';
import type { KubeObject } from '@plumbing/kube';
import { stringify } from 'yaml';

/** Server-owned fields that say nothing about what we deploy. */
const VOLATILE_META = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

/** The object without server-owned metadata and status, keys sorted: what two states are compared on. */
export function normalize(obj: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = obj;
  const meta: Record<string, unknown> = { ...metadata };
  for (const k of VOLATILE_META) delete meta[k];
  if (meta.annotations) {
    const a = { ...(meta.annotations as Record<string, string>) };
    delete a['kubectl.kubernetes.io/last-applied-configuration'];
    meta.annotations = Object.keys(a).length ? a : undefined;
  }
  return sortKeys({ ...rest, metadata: meta }) as Record<string, unknown>;
}

/** A Secret's values as digests: a diff shows that a value changed, never the value. */
export function redactSecret(obj: Record<string, unknown>): Record<string, unknown> {
  if (obj.kind !== 'Secret') return obj;
  const out = { ...obj };
  for (const field of ['data', 'stringData']) {
    const values = out[field];
    if (values && typeof values === 'object') {
      out[field] = Object.fromEntries(Object.entries(values as Record<string, unknown>).map(([k, v]) => [k, `(redacted, sha256 ${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)})`]));
    }
  }
  return out;
}

/** What a plan's diff shows of an object: normalized, keys sorted, Secret values redacted. */
export function toComparableYaml(obj: KubeObject): string {
  return stringify(redactSecret(normalize(obj)), { lineWidth: 0 });
}

/**
 * Whether `live` already holds every field `desired` sets, with the same value (what the no-op
 * fast path checks; server defaults in `live` are ignored). A false "different" only sends the
 * deploy down the slow path, which asks the server.
 */
export function holdsAll(desired: unknown, live: unknown): boolean {
  if (desired === null || desired === undefined) return live === null || live === undefined || (typeof live === 'object' && Object.keys(live as object).length === 0);
  if (Array.isArray(desired)) return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => holdsAll(d, live[i]));
  if (typeof desired === 'object') {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    const l = live as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([k, d]) => holdsAll(d, l[k]));
  }
  return desired === live || (typeof live === 'string' && typeof desired === 'number' && String(desired) === live);
}

/** A unified diff of two texts (line-based LCS, 3 lines of context), `---`/`+++` headers included. */
export function unifiedDiff(a: string, b: string, fromName = 'live', toName = 'desired'): string {
  if (a === b) return '';
  const x = a.split('\n');
  const y = b.split('\n');
  if (x[x.length - 1] === '') x.pop();
  if (y[y.length - 1] === '') y.pop();
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { t: ' ' | '-' | '+'; s: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ t: ' ', s: x[i++]!, ai: i, bi: ++j });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ t: '-', s: x[i++]!, ai: i, bi: j });
    else ops.push({ t: '+', s: y[j++]!, ai: i, bi: j });
  }
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  const ctx = 3;
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - ctx);
    let end = k;
    while (end < ops.length) {
      if (ops[end]!.t !== ' ') {
        end++;
        continue;
      }
      let run = 0;
      while (end + run < ops.length && ops[end + run]!.t === ' ') run++;
      if (end + run >= ops.length || run > 2 * ctx) {
        end = Math.min(ops.length, end + ctx);
        break;
      }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk.find((o) => o.t !== '+');
    const bStart = hunk.find((o) => o.t !== '-');
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aStart ? aStart.ai : 0},${aLen} +${bStart ? bStart.bi : 0},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.s}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}
