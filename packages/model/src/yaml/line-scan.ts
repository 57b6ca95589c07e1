/** Line-level scanning of YAML text before it is parsed: block scalars, quotes and comments. */

/** A line that opens a block scalar (`script: |`, `- run: >-`). */
export const BLOCK_SCALAR = /:\s*[|>][-+0-9]*\s*(#.*)?$/;

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

/** The indentation below which a block scalar opened on this line ends (its key's column, past any `- `). */
export function blockScalarIndent(line: string, indent: number): number {
  return indent + (line.trimStart().match(/^(-\s+)*/)?.[0].length ?? 0);
}
