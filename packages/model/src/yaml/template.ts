/** Files that are templates of a generator (Helm, Jinja, ERB, Pipelines-as-Code with bare placeholders), not YAML objects yet. */

import { BLOCK_SCALAR, blockScalarIndent, unquoted } from './line-scan.js';

const MARKERS = ['{{', '{%', '<%'];

/**
 * The 1-based line of the first generator placeholder that stands where YAML structure or a plain
 * value is (`name: {{ .Values.name }}`, `{{- if .x }}`, `{% for %}`, `<%= x %>`), or undefined.
 * Placeholders inside quoted strings and block scalars (`script: |` with `docker inspect
 * --format '{{.Id}}'`) are values Tekton passes on, not templates, and do not count.
 */
export function templateMarkerLine(text: string): number | undefined {
  if (!MARKERS.some((m) => text.includes(m))) return undefined;
  const lines = text.split('\n');
  let blockIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const bare = line.length < 4000 ? unquoted(line) : line;
    if (MARKERS.some((m) => bare.includes(m))) return i + 1;
    if ((line.includes('|') || line.includes('>')) && BLOCK_SCALAR.test(line)) blockIndent = blockScalarIndent(line, indent);
  }
  return undefined;
}
