/** go-yaml's lenient flow indentation, made acceptable to the `yaml` library before parsing. */

import { BLOCK_SCALAR, blockScalarIndent, unquoted } from './line-scan.js';

const FLOW_START = /^(\s*)((?:-\s+)*)([^\s#'"[{-][^#'"]*?:\s+|)([[{])/;

/** The bracket depth change of a line from `from`, skipping quoted strings and a trailing comment. */
function depthChange(line: string, from: number): number {
  let d = 0;
  for (const c of unquoted(line.slice(from))) {
    if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
  }
  return d;
}

/**
 * go-yaml (and so kubectl) reads a flow collection whose continuation lines are indented no deeper
 * than the key that opens it (`- args: [` then `"-x",` at the key's column); the `yaml` library
 * calls that a syntax error and loses the value. This indents such lines one column past the key,
 * which changes nothing a valid document means. Block scalars (`script: |`) are left alone.
 */
export function relaxFlowIndentation(text: string): string {
  if (!text.includes('[') && !text.includes('{')) return text; // no flow collection: nothing to relax
  const lines = text.split('\n');
  let changed = false;
  let blockIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (BLOCK_SCALAR.test(line)) {
      blockIndent = blockScalarIndent(line, indent);
      continue;
    }
    const m = line.length < 2000 ? FLOW_START.exec(line) : null;
    if (!m) continue;
    const keyCol = m[1]!.length + m[2]!.length;
    let depth = depthChange(line, m[0].length - 1);
    const need = keyCol + 1;
    for (let j = i + 1; depth > 0 && j < lines.length; j++) {
      const l = lines[j]!;
      const ind = l.length - l.trimStart().length;
      if (l.trim() !== '' && ind < need) {
        lines[j] = ' '.repeat(need - ind) + l;
        changed = true;
      }
      depth += depthChange(l, 0);
      i = j;
    }
  }
  return changed ? lines.join('\n') : text;
}
