/**
 * The CEL environment of Tekton Triggers' CEL interceptor (tektoncd/triggers
 * pkg/interceptors/cel/triggers.go): variables `body`, `header`, `requestURL`, `extensions`,
 * and the Triggers extensions `match`, `canonical`, `truncate`, `compareSecret`, `parseJSON`,
 * `parseYAML`, `parseURL`, `marshalJSON`. cel-go's string extensions (`split`, `join`,
 * `lowerAscii`, ...) are built into @marcbachmann/cel-js.
 */
import { timingSafeEqual } from 'node:crypto';
import { Environment } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';

/** Reads the value of `key` of Secret `name` (namespace ignored: one service, one secrets dir). */
export type SecretReader = (name: string, key: string) => string | undefined;

/** Go's textproto.CanonicalMIMEHeaderKey: `x-github-event` → `X-Github-Event`. */
export function canonicalHeaderKey(key: string): string {
  return key
    .toLowerCase()
    .split('-')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('-');
}

function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function headerGet(h: unknown, key: string): string {
  const m = plain(h) as Record<string, unknown>;
  const v = m[canonicalHeaderKey(key)];
  if (Array.isArray(v)) return String(v[0] ?? '');
  return typeof v === 'string' ? v : '';
}

/** Constant-time comparison of two strings (false when lengths differ, like subtle.ConstantTimeCompare). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function urlToMap(s: string): Record<string, unknown> {
  const u = new URL(s);
  const queryStrings: Record<string, string[]> = {};
  for (const [k, v] of u.searchParams) {
    const list = queryStrings[k] ?? [];
    list.push(v);
    queryStrings[k] = list;
  }
  const query = Object.fromEntries(Object.entries(queryStrings).map(([k, v]) => [k, v.join(',')]));
  const m: Record<string, unknown> = { scheme: u.protocol.replace(/:$/, ''), host: u.host, path: decodeURIComponent(u.pathname), rawQuery: u.search.replace(/^\?/, ''), fragment: u.hash.replace(/^#/, ''), queryStrings, query };
  if (u.username) m.auth = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  return m;
}

const envs = new WeakMap<SecretReader, Environment>();

/** The environment bound to one secrets reader (built once per reader: building one is the costly part). */
export function triggersCelEnv(secrets: SecretReader): Environment {
  let env = envs.get(secrets);
  if (!env) {
    env = newTriggersCelEnv(secrets);
    envs.set(secrets, env);
  }
  return env;
}

function newTriggersCelEnv(secrets: SecretReader): Environment {
  const compare = (value: string, key: string, name: string): boolean => {
    const secret = secrets(name, key);
    if (secret === undefined) throw new Error(`failed to find secret '${name}/${key}' in compareSecret`);
    return constantTimeEqual(secret, value);
  };
  return new Environment({ homogeneousAggregateLiterals: false })
    .registerVariable('body', 'map')
    .registerVariable('header', 'map')
    .registerVariable('requestURL', 'string')
    .registerVariable('extensions', 'map')
    .registerFunction('map.match(string, string): bool', (h: unknown, k: string, v: string) => headerGet(h, k) === v)
    .registerFunction('map.canonical(string): string', (h: unknown, k: string) => headerGet(h, k))
    .registerFunction('string.truncate(int): string', (s: string, n: bigint) => s.slice(0, Math.max(0, Number(n))))
    .registerFunction('string.compareSecret(string, string): bool', (v: string, key: string, name: string) => compare(v, key, name))
    .registerFunction('string.compareSecret(string, string, string): bool', (v: string, key: string, name: string) => compare(v, key, name))
    .registerFunction('string.parseJSON(): map', (s: string) => JSON.parse(s) as unknown)
    .registerFunction('string.parseYAML(): map', (s: string) => parseYaml(s) as unknown)
    .registerFunction('string.parseURL(): map', (s: string) => urlToMap(s))
    .registerFunction('map.marshalJSON(): string', (m: unknown) => JSON.stringify(plain(m)))
    .registerFunction('list.marshalJSON(): string', (l: unknown) => JSON.stringify(plain(l)));
}

/** The evaluation context of one event, as the CEL interceptor builds it. */
export interface CelContext {
  body: unknown;
  header: Record<string, string[]>;
  requestURL: string;
  extensions: Record<string, unknown>;
}

/** Parsed expressions per environment: a listener's filter and overlays are parsed once, not on every delivery. */
const parsed = new WeakMap<Environment, Map<string, ReturnType<Environment['parse']>>>();
const MAX_PARSED = 1000;

function compiled(env: Environment, expr: string): ReturnType<Environment['parse']> {
  let byExpr = parsed.get(env);
  if (!byExpr) {
    byExpr = new Map();
    parsed.set(env, byExpr);
  }
  let fn = byExpr.get(expr);
  if (!fn) {
    fn = env.parse(expr);
    // expressions come from the cluster's YAML; the bound only guards against a config that makes them up
    if (byExpr.size >= MAX_PARSED) byExpr.clear();
    byExpr.set(expr, fn);
  }
  return fn;
}

/** Evaluates `expr`; the value is returned as plain JSON-like data (Maps to objects, ints to numbers). */
export function evaluateTriggersCel(env: Environment, expr: string, ctx: CelContext): unknown {
  return plain(compiled(env, expr)(ctx as unknown as Record<string, unknown>));
}
