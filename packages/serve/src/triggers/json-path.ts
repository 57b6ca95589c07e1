/**
 * Triggers' binding expressions: `$(body.a.b[0])`, `$(header.X-Foo)`, `$(extensions.x)`
 * (tektoncd/triggers pkg/template/jsonpath.go). A string value is inserted as is; anything else
 * as its JSON text; a missing path is an error, as in Triggers.
 */

/** Splits `a.b[0]['c.d']` into keys; `\.` escapes a dot inside a key. */
export function parsePath(path: string): string[] {
  const keys: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '.') {
      cur += '.';
      i++;
    } else if (c === '.') {
      if (cur !== '') keys.push(cur);
      cur = '';
    } else if (c === '[') {
      if (cur !== '') keys.push(cur);
      cur = '';
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in "${path}"`);
      keys.push(path.slice(i + 1, end).replace(/^['"]|['"]$/g, ''));
      i = end;
    } else cur += c;
  }
  if (cur !== '') keys.push(cur);
  return keys;
}

/** Looks `keys` up in `root`; `undefined` when a key is missing. */
export function lookup(root: unknown, keys: readonly string[]): unknown {
  let v: unknown = root;
  for (const k of keys) {
    if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else if (v !== null && typeof v === 'object' && Object.hasOwn(v, k)) v = (v as Record<string, unknown>)[k];
    else return undefined;
  }
  return v;
}

/** The text a binding inserts for a value. */
export function bindingText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface EventData {
  body: unknown;
  /** Canonical header keys → values. */
  header: Record<string, string[]>;
  extensions: Record<string, unknown>;
}

const EXPR = /\$\((body|header|extensions)((?:[.[][^)]*)?)\)/g;

/** Replaces every `$(body…)`, `$(header…)`, `$(extensions…)` in one binding value. */
export function applyEventValues(value: string, data: EventData): string {
  return value.replace(EXPR, (_m, root: string, rest: string) => {
    const keys = parsePath(rest);
    if (root === 'header') {
      if (keys.length === 0) return JSON.stringify(data.header);
      const wanted = keys[0]!.toLowerCase();
      const entry = Object.entries(data.header).find(([k]) => k.toLowerCase() === wanted);
      if (!entry) throw new Error(`failed to find header "${keys[0]}" for binding $(header${rest})`);
      return entry[1].join(' ');
    }
    const v = lookup(root === 'body' ? data.body : data.extensions, keys);
    if (v === undefined) throw new Error(`failed to find field "${rest.replace(/^\./, '')}" in ${root} for binding $(${root}${rest})`);
    return bindingText(v);
  });
}
