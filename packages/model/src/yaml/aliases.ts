import { type Alias, type Document, visit } from 'yaml';

const ANCHOR = /(?:^|[\s[{,])&[^\s,[\]{}&>]/;
const ALIAS = /(?:^|[\s[{,])\*[^\s,[\]{}]/;

/**
 * Whether the text may hold an anchor and an alias (`&name`, `*name` where a node starts): a
 * cheap test on the text, so that the AST walks that only matter for aliases are skipped on the
 * files that have none (`&&` and `2>&1` in scripts, `*.yaml` globs after a space still count, and
 * cost only the walk).
 */
export function mayHaveAliases(text: string): boolean {
  return ALIAS.test(text) && ANCHOR.test(text);
}

/**
 * The first alias that refers to a node containing it (`spec: &s {steps: [*s]}`), if any. Its
 * value would be infinite: go-yaml (kubectl, the API server) refuses it ("anchor 's' value
 * contains itself"), and the plain JS value of the document would be a cycle that every rule
 * walking it recurses into forever. An alias refers to the closest anchor before it, so it
 * contains itself exactly when it lies inside the anchored node's range.
 */
export function selfReferentialAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      const at = alias.range?.[0];
      const range = target?.range;
      if (at !== undefined && range && at >= range[0] && at < range[2]) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
