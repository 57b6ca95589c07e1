/** Helpers for rule tests: check in-memory files without touching the disk. */
import { checkIndex, type CheckOptions } from './check/check.js';
import type { Code } from './check/codes.js';
import type { Finding } from './check/finding.js';
import { RepoIndex } from './yaml/repo-index.js';
import { loadYaml } from './yaml/source.js';

/** Checks `files` (path → YAML text) as one repository; returns every finding. */
export function checkFiles(files: Record<string, string>, opts: CheckOptions = {}): Finding[] {
  const index = new RepoIndex(Object.entries(files).map(([f, t]) => loadYaml(f, t)));
  return checkIndex(index, opts);
}

/** Checks one YAML text as `test.yaml`. */
export function checkYaml(text: string, opts: CheckOptions = {}): Finding[] {
  return checkFiles({ 'test.yaml': text }, opts);
}

/** Only the findings with `code`, reduced to what tests assert: code, severity, line, column. */
export function only(findings: Finding[], code: Code): Pick<Finding, 'code' | 'severity' | 'line' | 'column'>[] {
  return findings.filter((f) => f.code === code).map(({ code: c, severity, line, column }) => ({ code: c, severity, line, column }));
}

/** Removes common leading indentation so tests can write YAML inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
