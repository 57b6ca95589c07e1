import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Finding } from './finding.js';
import { globToRegExp, matchesAny } from './glob.js';
import { RepoIndex } from './repo-index.js';
import { loadYaml, type SourceFile } from './source.js';

export interface LoadOptions {
  /** Globs relative to the root to skip. */
  exclude?: readonly string[];
}

export interface LoadResult {
  index: RepoIndex;
  /** Files (relative to root) that the given paths named. */
  selected: Set<string>;
  /** Problems with the paths themselves (missing, unreadable). */
  findings: Finding[];
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.turbo', '.plumbing', 'coverage']);

function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Every YAML file below `dir` (relative to root), skipping dot-entries and build output. */
export function listYamlFiles(root: string, dir: string, exclude: readonly RegExp[]): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(root, d), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const rel = d === '' || d === '.' ? e.name : `${d}/${e.name}`;
      if (matchesAny(rel, exclude)) continue;
      if (e.isDirectory()) stack.push(rel);
      else if (e.isFile() && isYamlName(e.name)) out.push(rel);
    }
  }
  return out.sort();
}

/**
 * Loads the whole repository under `root` into an index, and marks which files `paths` select.
 * Explicit file paths are always loaded, even when excluded or not named *.yaml.
 */
export function loadRepository(root: string, paths: readonly string[] = [], opts: LoadOptions = {}): LoadResult {
  const absRoot = resolve(root);
  const exclude = (opts.exclude ?? []).map(globToRegExp);
  const findings: Finding[] = [];
  const all = new Set(listYamlFiles(absRoot, '', exclude));
  const selected = new Set<string>();
  if (paths.length === 0) for (const f of all) selected.add(f);
  for (const p of paths) {
    const abs = resolve(p);
    const rel = toPosix(relative(absRoot, abs)) || '.';
    let st: import('node:fs').Stats;
    try {
      st = statSync(abs);
    } catch {
      findings.push({ code: 'YAML_SYNTAX', severity: 'error', message: `no such file or directory: ${p}`, file: rel, line: 1, column: 1 });
      continue;
    }
    if (st.isDirectory()) {
      const outside = rel.startsWith('..');
      const base = outside ? abs : absRoot;
      const files = listYamlFiles(base, outside ? '' : rel === '.' ? '' : rel, outside ? [] : exclude);
      for (const f of files) {
        const key = outside ? toPosix(relative(absRoot, join(abs, f))) : f;
        selected.add(key);
        all.add(key);
      }
    } else {
      selected.add(rel);
      all.add(rel);
    }
  }
  const files: SourceFile[] = [];
  for (const rel of [...all].sort()) {
    let text: string;
    try {
      text = readFileSync(join(absRoot, rel), 'utf8');
    } catch (e) {
      findings.push({ code: 'YAML_SYNTAX', severity: 'error', message: `cannot read file: ${(e as Error).message}`, file: rel, line: 1, column: 1 });
      continue;
    }
    files.push(loadYaml(rel, text));
  }
  return { index: new RepoIndex(files), selected, findings };
}
