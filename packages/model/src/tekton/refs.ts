/** Scanning Tekton variable references `$(...)` in strings. */

export interface VarRef {
  /** The whole reference as written, e.g. `$(params["a.b"][*])`. */
  text: string;
  /** The expression inside the parentheses. */
  expr: string;
  /** Offset of `$(` in the scanned string. */
  offset: number;
  /** Dotted / bracketed segments: `params`, `a.b`; index markers are kept as `[*]` or `[0]`. */
  segments: string[];
  /** `[*]` or `[N]` suffix when present. */
  index?: string | undefined;
}

/** Every `$(...)` reference in a string, in order. Shell command substitutions are included: callers filter by root. */
export function scanRefs(s: string): VarRef[] {
  const out: VarRef[] = [];
  let i = s.indexOf('$(');
  while (i >= 0) {
    // find the matching `)`, allowing quoted brackets like ['a.b']
    let j = i + 2;
    let quote: string | undefined;
    let depth = 0;
    for (; j < s.length; j++) {
      const c = s[j]!;
      if (quote) {
        if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") {
        // quotes only count inside brackets
        if (s[j - 1] === '[') quote = c;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (j >= s.length) break;
    const expr = s.slice(i + 2, j);
    const parsed = parseExpr(expr);
    out.push({ text: s.slice(i, j + 1), expr, offset: i, segments: parsed.segments, index: parsed.index });
    i = s.indexOf('$(', j + 1);
  }
  return out;
}

/** Splits `params["a.b"].key[*]` into `['params', 'a.b', 'key']` and index `[*]`. */
export function parseExpr(expr: string): { segments: string[]; index?: string } {
  const segments: string[] = [];
  let index: string | undefined;
  let i = 0;
  let cur = '';
  const flush = () => {
    if (cur !== '') segments.push(cur);
    cur = '';
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const q = expr[i + 1];
      if (q === '"' || q === "'") {
        const end = expr.indexOf(q, i + 2);
        if (end < 0) {
          cur = expr.slice(i);
          break;
        }
        segments.push(expr.slice(i + 2, end));
        i = expr[end + 1] === ']' ? end + 2 : end + 1;
      } else {
        const end = expr.indexOf(']', i);
        const inner = end < 0 ? expr.slice(i + 1) : expr.slice(i + 1, end);
        index = `[${inner}]`;
        i = end < 0 ? expr.length : end + 1;
      }
    } else {
      cur += c;
      i++;
    }
  }
  flush();
  return index === undefined ? { segments } : { segments, index };
}

/** Tekton's variable prefixes (pipeline and task level). */
export const TEKTON_PREFIXES = ['params', 'tasks', 'finally', 'context', 'workspaces', 'results', 'steps', 'step', 'inputs', 'outputs', 'resources', 'credentials', 'artifacts'] as const;

/** Whether a reference looks like a Tekton variable (as opposed to a shell `$(cmd)`). */
export function isTektonRef(ref: VarRef): boolean {
  return /^[A-Za-z_][\w-]*(\.|\[)/.test(ref.expr) && !/\s/.test(ref.expr.replace(/\[(['"]).*?\1\]/g, ''));
}
