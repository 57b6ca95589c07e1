import { isCollection, isPair, visit } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Finding } from '../check/finding.js';

/**
 * The `yaml` library's own warnings on one document (unresolved tags, keys that are collections,
 * which it would otherwise print to stderr), as findings at their position.
 */
export function yamlWarnings(file: string, doc: Document.Parsed, lineCounter: LineCounter): Finding[] {
  const out: Finding[] = [];
  const at = (offset: number, message: string) => {
    const pos = lineCounter.linePos(offset);
    out.push({ code: 'YAML_WARNING', severity: 'warning', message, file, line: pos.line, column: pos.col });
  };
  for (const w of doc.warnings) at(w.pos[0], w.message.split('\n')[0]!);
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isCollection(pair.key)) {
        at(pair.key.range?.[0] ?? 0, 'a map key that is itself a map or a list: Kubernetes cannot read it (an unquoted {{ }} placeholder?)');
      }
    },
  });
  return out;
}
