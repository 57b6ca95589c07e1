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
  if (!hasOpenFlowLine(text)) return text; // every flow collection closes on its own line
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
    // The cheap character tests first: most lines open neither a block scalar nor a flow collection.
    if ((line.includes('|') || line.includes('>')) && BLOCK_SCALAR.test(line)) {
      blockIndent = blockScalarIndent(line, indent);
      continue;
    }
    const m = line.length < 2000 && (line.includes('[') || line.includes('{')) ? FLOW_START.exec(line) : null;
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

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;

/**
 * Whether a line outside block scalars leaves a flow bracket open (quotes and comments skipped),
 * without splitting the text: only such a line can start what relaxFlowIndentation moves, so
 * most files are returned as they are after one allocation-free pass.
 */
function hasOpenFlowLine(text: string): boolean {
  let blockIndent = -1;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let p = start;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    const indent = p - start;
    if (blockIndent >= 0 && (p === end || indent > blockIndent)) {
      start = end + 1;
      continue;
    }
    blockIndent = -1;
    const has = (c: string) => {
      const i = text.indexOf(c, p);
      return i >= 0 && i < end;
    };
    if ((has('|') || has('>')) && BLOCK_SCALAR.test(text.slice(start, end))) {
      blockIndent = blockScalarIndent(text.slice(start, end), indent);
    } else if ((has('[') || has('{')) && openBrackets(text, p, end) > 0) return true;
    start = end + 1;
  }
  return false;
}

/** Brackets left open from `from` to `end`, outside quotes and a trailing comment (a stray closer counts as none). */
function openBrackets(text: string, from: number, end: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 35 && (i === from || isSpace(text.charCodeAt(i - 1)))) break;
    else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return depth;
}
