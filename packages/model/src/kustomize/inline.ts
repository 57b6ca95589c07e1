import { isScalar, parseAllDocuments } from 'yaml';
import { loadYaml, type ResourceDoc } from '../yaml/source.js';
import type { Origin } from './provenance.js';

/**
 * The documents of an inline patch (a `|` block scalar in a kustomization), with positions in the
 * kustomization file: they are parsed from the file's text with every line outside the scalar's
 * content blanked, so their lines and columns are the file's. Undefined when the patch is written
 * any other way, or when that reading differs from the scalar's value (then the caller points at
 * the scalar itself).
 */
export function inlinePatchDocs(where: Origin, value: string): ResourceDoc[] | undefined {
  const node = where.doc.ast.getIn(where.path, true);
  if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || !node.range) return undefined;
  const lc = where.doc.source.lineCounter;
  const first = lc.linePos(node.range[0]).line + 1;
  const last = lc.linePos(Math.max(node.range[0], node.range[1] - 1)).line;
  const lines = where.doc.source.text.split('\n');
  const text = lines.map((l, i) => (i + 1 >= first && i + 1 <= last ? l : '')).join('\n');
  const src = loadYaml(where.doc.file, text);
  if (src.findings.some((f) => f.severity === 'error')) return undefined;
  const expected = parseAllDocuments(value);
  const want = (Array.isArray(expected) ? expected : []).map((d) => d.toJS({ maxAliasCount: 100 }));
  return JSON.stringify(src.docs.map((d) => d.value)) === JSON.stringify(want) ? src.docs : undefined;
}
