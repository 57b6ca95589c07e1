import type { FeatureGate } from '../tekton/feature-flags.js';

/** A validation result: data, never thrown. Positions are 1-based. */
export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending node inside the document, e.g. `spec.steps[0].name`. */
  path?: string;
  hint?: string;
  /** For FEATURE_FLAG_REQUIRED: what the feature-flags ConfigMap must enable for Tekton to admit the field. */
  gate?: FeatureGate;
}

/** A path into a YAML document: map keys and sequence indexes. */
export type NodePath = readonly (string | number)[];

export function formatPath(path: NodePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorts findings by file, line, column, then severity and code: a stable, readable order. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      order[a.severity] - order[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** Compiler-style text: `file:line:col  severity  CODE  message` plus an indented hint. */
export function formatFindingText(f: Finding): string {
  const head = `${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.code}  ${f.message}`;
  return f.hint ? `${head}\n    hint: ${f.hint}` : head;
}
