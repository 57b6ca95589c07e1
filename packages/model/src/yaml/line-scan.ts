/** Line-level scanning of YAML text before it is parsed: block scalars, quotes and comments. */

/** A line that opens a block scalar (`script: |`, `- run: >-`, a sequence item `- |`). */
export const BLOCK_SCALAR = /(?::|^\s*-)\s*[|>][-+0-9]*\s*(#.*)?$/;

/** A line with its quoted strings and trailing comment removed. */
export function unquoted(line: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
    else out += c;
  }
  return out;
}

/**
 * The indentation below which a block scalar opened on this line ends: its key's column, past
 * any `- `; for a sequence item that is itself the scalar (`- |`), the column of its dash.
 */
export function blockScalarIndent(line: string, indent: number): number {
  const t = line.trimStart();
  const prefix = t.match(/^(-\s+)*/)?.[0] ?? '';
  if (t[prefix.length] === '|' || t[prefix.length] === '>') return indent + prefix.trimEnd().lastIndexOf('-');
  return indent + prefix.length;
}
