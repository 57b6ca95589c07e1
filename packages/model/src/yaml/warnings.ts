import { isCollection, isPair, visit } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Finding } from '../check/finding.js';

const EXPLICIT_KEY = /(?:^|[\s[{,])\?(?:[ \t]|$)/m;
const FLOW_KEY = /[\]}][ \t]*:(?:[ \t\r]|$)/m;

/**
 * Whether a map key in this text can be a map or a list: an explicit key (`? `), a flow collection
 * before a `:` (`[a]: b`, `{{x}}: y`), or an alias (which may name a collection). A cheap test on
 * the text; the AST walk of yamlWarnings is needed only when it holds.
 */
export function mayHaveCollectionKeys(text: string, mayAlias: boolean): boolean {
  return mayAlias || EXPLICIT_KEY.test(text) || FLOW_KEY.test(text);
}

/**
 * The `yaml` library's own warnings on one document (unresolved tags, keys that are collections,
 * which it would otherwise print to stderr), as findings at their position.
 */
export function yamlWarnings(file: string, doc: Document.Parsed, lineCounter: LineCounter, mayHaveCollectionKeys = true): Finding[] {
  const out: Finding[] = [];
  const at = (offset: number, message: string) => {
    const pos = lineCounter.linePos(offset);
    out.push({ code: 'YAML_WARNING', severity: 'warning', message, file, line: pos.line, column: pos.col });
  };
  for (const w of doc.warnings) at(w.pos[0], w.message.split('\n')[0]!);
  if (!mayHaveCollectionKeys) return out;
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isCollection(pair.key)) {
        at(pair.key.range?.[0] ?? 0, 'a map key that is itself a map or a list: Kubernetes cannot read it (an unquoted {{ }} placeholder?)');
      }
    },
  });
  return out;
}
