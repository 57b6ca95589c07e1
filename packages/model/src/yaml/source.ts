import { isMap as isYamlMap, isScalar, isSeq, LineCounter, parseAllDocuments, isPair, isNode } from 'yaml';
import type { Document, EmptyStream, Node as YamlNode, Pair } from 'yaml';
import type { Finding, NodePath } from '../check/finding.js';
import type { FeatureGate } from '../tekton/feature-flags.js';
import { mayHaveAliases, selfReferentialAlias } from './aliases.js';
import { formatPath } from '../check/finding.js';
import type { JsonMap } from './values.js';
import { isMap } from './values.js';
import { relaxFlowIndentation } from './flow-indent.js';
import { mayHaveCollectionKeys, yamlWarnings } from './warnings.js';

/** One YAML document of a file, with its parsed value and a way back to source positions. */
export interface ResourceDoc {
  /** File path as given (relative to the repository root when loaded through the index). */
  file: string;
  /** 0-based index of the document inside the file. */
  index: number;
  /** Plain JS value of the document (maps, arrays, scalars). */
  value: unknown;
  apiVersion: string | undefined;
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  /** The yaml AST, for positions (parsed lazily for files loaded in a worker thread). */
  readonly ast: Document.Parsed;
  source: SourceFile;
}

export interface SourceFile {
  file: string;
  text: string;
  docs: ResourceDoc[];
  /** Syntax errors and other problems found while loading (YAML_SYNTAX, ...). */
  findings: Finding[];
  readonly lineCounter: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

/** Loads a multi-document YAML file. Never throws: problems become findings. */
export function loadYaml(file: string, text: string): SourceFile {
  text = relaxFlowIndentation(text);
  const mayAlias = mayHaveAliases(text);
  const mayCollectionKey = mayHaveCollectionKeys(text, mayAlias);
  const lineCounter = new LineCounter();
  const src: SourceFile = { file, text, docs: [], findings: [], lineCounter };
  if (text.includes('\u0000')) {
    src.findings.push({
      code: 'YAML_SYNTAX',
      severity: 'error',
      message: 'file is binary (contains NUL bytes), not YAML',
      file,
      line: 1,
      column: 1,
    });
    return src;
  }
  const nesting = shallow(text) ? undefined : nestingDepth(text);
  if (nesting && nesting.depth > MAX_NESTING) {
    src.findings.push({
      code: 'YAML_SYNTAX',
      severity: 'error',
      message: `nesting deeper than ${MAX_NESTING} levels (${nesting.depth}); the file is not checked further`,
      file,
      line: nesting.line,
      column: 1,
    });
    return src;
  }
  let docs: Document.Parsed[] | EmptyStream;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false, logLevel: 'error' });
  } catch (e) {
    // The composer recurses; a stack overflow on a pathological file is this file's finding, not the run's.
    src.findings.push({ code: 'YAML_SYNTAX', severity: 'error', message: `cannot parse: ${firstLine(e instanceof Error ? e.message : String(e))}`, file, line: 1, column: 1 });
    return src;
  }
  const list = Array.isArray(docs) ? docs : [];
  let index = 0;
  for (const ast of list) {
    const i = index++;
    if (ast.errors.length > 0) {
      for (const err of ast.errors) {
        const pos = lineCounter.linePos(err.pos[0]);
        src.findings.push({
          code: 'YAML_SYNTAX',
          severity: 'error',
          message: firstLine(err.message),
          file,
          line: pos.line,
          column: pos.col,
        });
      }
      continue;
    }
    if (ast.contents === null || (isScalar(ast.contents) && ast.contents.value === null)) continue; // empty document
    // Only a file with an anchor and an alias (`&name`, `*name`) can have one that refers to its own container: the AST walk is skipped otherwise.
    const cycle = mayAlias ? selfReferentialAlias(ast) : undefined;
    if (cycle) {
      const pos = lineCounter.linePos(cycle.range?.[0] ?? 0);
      const message = `alias *${cycle.source} refers to the node that contains it (its value would be infinite)`;
      src.findings.push({ code: 'YAML_SYNTAX', severity: 'error', message, file, line: pos.line, column: pos.col });
      continue;
    }
    let value: unknown;
    try {
      value = ast.toJS({ maxAliasCount: 100 });
    } catch (e) {
      const pos = lineCounter.linePos(ast.contents.range?.[0] ?? 0);
      src.findings.push({
        code: 'YAML_SYNTAX',
        severity: 'error',
        message: firstLine(e instanceof Error ? e.message : String(e)),
        file,
        line: pos.line,
        column: pos.col,
      });
      continue;
    }
    src.findings.push(...yamlWarnings(file, ast, lineCounter, mayCollectionKey));
    src.docs.push({ ...docMeta(value), file, index: i, value, ast, source: src });
  }
  return src;
}

/** What a worker thread sends back for one file: values without the AST. */
export interface LoadedFileData {
  file: string;
  text: string;
  findings: Finding[];
  docs: { index: number; value: unknown }[];
}

/** The transferable part of a loaded file. */
export function toLoadedFileData(src: SourceFile): LoadedFileData {
  return { file: src.file, text: src.text, findings: src.findings, docs: src.docs.map((d) => ({ index: d.index, value: d.value })) };
}

/** Rebuilds a SourceFile from a worker's data; the AST and line index are parsed again only if a position is needed. */
export function fromLoadedFileData(data: LoadedFileData): SourceFile {
  let parsed: { lineCounter: LineCounter; asts: Document.Parsed[] } | undefined;
  const parse = () => {
    if (!parsed) {
      const lineCounter = new LineCounter();
      const asts = parseAllDocuments(data.text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false, logLevel: 'error' });
      parsed = { lineCounter, asts: Array.isArray(asts) ? asts : [] };
    }
    return parsed;
  };
  const src: SourceFile = {
    file: data.file,
    text: data.text,
    docs: [],
    findings: data.findings,
    get lineCounter() {
      return parse().lineCounter;
    },
  };
  for (const d of data.docs) {
    src.docs.push({
      ...docMeta(d.value),
      file: data.file,
      index: d.index,
      value: d.value,
      get ast() {
        return parse().asts[d.index]!;
      },
      source: src,
    });
  }
  return src;
}

function docMeta(value: unknown): Pick<ResourceDoc, 'apiVersion' | 'kind' | 'name' | 'namespace'> {
  const meta = isMap(value) && isMap(value.metadata) ? (value.metadata as JsonMap) : undefined;
  return {
    apiVersion: isMap(value) && typeof value.apiVersion === 'string' ? value.apiVersion : undefined,
    kind: isMap(value) && typeof value.kind === 'string' ? value.kind : undefined,
    name: typeof meta?.name === 'string' ? meta.name : undefined,
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined,
  };
}

/**
 * Deepest nesting a file may have. The yaml library's composer and our rules recurse, so deeper
 * documents (never written by hand) get one YAML_SYNTAX finding instead of a stack overflow.
 */
export const MAX_NESTING = 500;

const DEEP_PREFIX = new RegExp(`^[ \\t-]{${MAX_NESTING / 2},}`, 'm');

/**
 * A quick test that a text cannot nest MAX_NESTING levels: fewer than half that many flow
 * brackets in all, and no line whose indentation and `- ` prefix are half that long (each
 * level of block nesting takes at least one column). Most files pass it and skip nestingDepth's scan.
 */
function shallow(text: string): boolean {
  const brackets = /[[{]/g;
  let n = 0;
  while (brackets.exec(text) !== null) if (++n >= MAX_NESTING / 2) return false;
  return !DEEP_PREFIX.test(text);
}

/**
 * An upper bound of a YAML text's nesting depth, without parsing: flow brackets outside quotes
 * and comments, plus block indentation levels (each deeper indentation opens a level; `- `
 * items open one more). One pass, no recursion.
 */
export function nestingDepth(text: string): { depth: number; line: number } {
  let flow = 0;
  let best = { depth: 0, line: 1 };
  const indents: number[] = [];
  let line = 1;
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    let col = start;
    while (col < end && (text.charCodeAt(col) === 32 || text.charCodeAt(col) === 45)) col++;
    const indent = col - start;
    if (indent > 0 || (col < end && text.charCodeAt(col) !== 35)) {
      if (text.slice(start, end).trim() !== '') {
        while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
        indents.push(indent);
      }
    }
    let quote = 0;
    let deepest = indents.length + flow;
    for (let i = col; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 35 && (i === col || text.charCodeAt(i - 1) === 32)) break;
      else if (c === 91 || c === 123) deepest = Math.max(deepest, indents.length + ++flow);
      else if ((c === 93 || c === 125) && flow > 0) flow--;
    }
    if (deepest > best.depth) best = { depth: deepest, line };
    if (nl < 0) break;
    start = nl + 1;
    line++;
  }
  return best;
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? s;
  return l.replace(/ at line \d+, column \d+:?$/, '');
}

interface Located {
  node: YamlNode | undefined;
  pair: Pair | undefined;
  /** How many path segments were found. */
  depth: number;
}

function walk(doc: ResourceDoc, path: NodePath): Located {
  let node: unknown = doc.ast.contents;
  let pair: Pair | undefined;
  let depth = 0;
  for (const seg of path) {
    if (isYamlMap(node) && typeof seg === 'string') {
      const p = node.items.find((it) => isPair(it) && keyString(it.key) === seg);
      if (!p) break;
      pair = p;
      node = p.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      pair = undefined;
      node = item;
    } else break;
    depth++;
  }
  return { node: isNode(node) ? node : undefined, pair, depth };
}

function keyString(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

function posOf(doc: ResourceDoc, offset: number): Position {
  const p = doc.source.lineCounter.linePos(offset);
  return { line: p.line, column: p.col };
}

function startOf(n: { range?: [number, number, number] | null | undefined } | null | undefined): number | undefined {
  return n?.range?.[0];
}

/**
 * Position of the node at `path`: the value node when present. When `key` is set, the position
 * of the map key instead (useful for "this field is wrong" on maps). A missing node falls back to
 * the nearest ancestor's key.
 */
export function locate(doc: ResourceDoc, path: NodePath, opts: { key?: boolean } = {}): Position {
  const found = walk(doc, path);
  if (found.depth === path.length) {
    const keyNode = found.pair?.key as YamlNode | undefined;
    const valueStart = startOf(found.node);
    const keyStart = startOf(keyNode);
    const off = opts.key ? (keyStart ?? valueStart) : (valueStart ?? keyStart);
    if (off !== undefined) return posOf(doc, off);
  }
  // Missing: the nearest ancestor that exists, at its key when it has one.
  const anc = walk(doc, path.slice(0, found.depth));
  const off = startOf(anc.pair?.key as YamlNode | undefined) ?? startOf(anc.node) ?? startOf(doc.ast.contents) ?? 0;
  return posOf(doc, off);
}

/**
 * Position of `needle` (e.g. a `$(params.x)` reference) inside the scalar at `path`, its
 * `occurrence`-th appearance (0-based) in the source text. Falls back to the scalar's position.
 */
export function locateInScalar(doc: ResourceDoc, path: NodePath, needle: string, occurrence = 0): Position {
  const found = walk(doc, path);
  if (found.depth === path.length && found.node && isScalar(found.node) && found.node.range) {
    const [start, end] = found.node.range;
    const idx = nthIndex(found.node, doc.source.text, start, end, needle, occurrence);
    return posOf(doc, idx >= 0 ? idx : start);
  }
  return locate(doc, path);
}

/**
 * Where each scalar's search for a needle stopped last (its occurrence and offset), so that
 * reporting every reference of a long string, in order, reads the string once, not once per
 * reference (which was quadratic).
 */
const lastFound = new WeakMap<object, Map<string, { occurrence: number; offset: number }>>();

/** Offset of the `occurrence`-th `needle` in `text[start, end)`, or -1. */
function nthIndex(node: object, text: string, start: number, end: number, needle: string, occurrence: number): number {
  let memo = lastFound.get(node);
  if (!memo) {
    memo = new Map();
    lastFound.set(node, memo);
  }
  const last = memo.get(needle);
  let n = 0;
  let idx = start - 1;
  if (last && last.occurrence <= occurrence) {
    n = last.occurrence;
    idx = last.offset;
  } else {
    idx = text.indexOf(needle, start);
  }
  while (idx >= 0 && n < occurrence) {
    idx = text.indexOf(needle, idx + 1);
    n++;
  }
  if (idx < 0 || idx + needle.length > end) return -1;
  memo.set(needle, { occurrence, offset: idx });
  return idx;
}

/** Builds a finding at a node (or at a reference inside a scalar). */
export function findingAt(
  doc: ResourceDoc,
  path: NodePath,
  code: string,
  severity: Finding['severity'],
  message: string,
  opts: { hint?: string | undefined; needle?: string | undefined; occurrence?: number; key?: boolean; gate?: FeatureGate } = {},
): Finding {
  const pos = opts.needle
    ? locateInScalar(doc, path, opts.needle, opts.occurrence ?? 0)
    : locate(doc, path, { key: opts.key ?? false });
  const f: Finding = { code, severity, message, file: doc.file, line: pos.line, column: pos.column };
  if (path.length > 0) f.path = formatPath(path);
  if (opts.hint) f.hint = opts.hint;
  if (opts.gate) f.gate = opts.gate;
  return f;
}
