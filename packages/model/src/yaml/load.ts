import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../check/finding.js';
import { globToRegExp, matchesAny } from './glob.js';
import { RepoIndex } from './repo-index.js';
import { ParseCache } from './parse-cache.js';
import { fromLoadedFileData, type LoadedFileData, type SourceFile, toLoadedFileData } from './source.js';
import { loadYamlBytes } from './text.js';

export interface LoadOptions {
  /** Globs relative to the root to skip. */
  exclude?: readonly string[];
  /** Worker threads for parsing (default: the number of cores, used only for large repositories). */
  workers?: number;
  /** A parse cache file (see ParseCache): unchanged files are not parsed again. */
  cacheFile?: string;
}

export interface LoadResult {
  index: RepoIndex;
  /** Files (relative to root) that the given paths named. */
  selected: Set<string>;
  /** Problems with the paths themselves (missing, unreadable). */
  findings: Finding[];
  /** Every non-YAML file seen (relative paths), e.g. catalog READMEs. */
  extraFiles: Set<string>;
  /** Files taken from the parse cache, and files parsed. */
  cache?: { hits: number; misses: number };
}

// Build outputs and caches, never sources. `.cache` holds what tests and tools unpack (the tasks'
// image roots: a Go toolchain's own YAML files), git-ignored as the others are.
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.turbo', '.plumbing', '.cache', 'coverage']);

function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * Every YAML file below `dir` (relative to root), skipping .git, dependencies and build output.
 * Dot-directories are walked (a repository's `.tekton/` holds its pipelines). Symbolic links are
 * followed, to files and to directories, each real directory once (so a link loop ends).
 */
export function listYamlFiles(root: string, dir: string, exclude: readonly RegExp[], others?: Set<string>): string[] {
  const out: string[] = [];
  let rootReal: string;
  try {
    rootReal = realpathSync(join(root, dir));
  } catch {
    return out;
  }
  // Each directory with its real path: a plain subdirectory's is its parent's plus its name, so
  // only a symbolic link costs a realpath call.
  const stack: { rel: string; real: string }[] = [{ rel: dir, real: rootReal }];
  const seenDirs = new Set<string>();
  while (stack.length > 0) {
    const { rel: d, real } = stack.pop()!;
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(root, d), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (SKIP_DIRS.has(e.name)) continue;
      const rel = d === '' || d === '.' ? e.name : `${d}/${e.name}`;
      if (exclude.length > 0 && matchesAny(rel, exclude)) continue;
      if (e.isDirectory()) stack.push({ rel, real: `${real}/${e.name}` });
      else if (e.isFile()) {
        if (isYamlName(e.name)) out.push(rel);
        else others?.add(rel);
      } else if (e.isSymbolicLink()) {
        const abs = join(root, rel);
        const kind = linkKind(abs);
        if (kind === 'dir') stack.push({ rel, real: realpathSync(abs) });
        else if (kind === 'file' && isYamlName(e.name)) out.push(rel);
        else if (kind === 'file') others?.add(rel);
      }
    }
  }
  return out.sort();
}

function linkKind(abs: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(abs);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the whole repository under `root` into an index, and marks which files `paths` select.
 * Explicit file paths are always loaded, even when excluded or not named *.yaml.
 */
export async function loadRepository(root: string, paths: readonly string[] = [], opts: LoadOptions = {}): Promise<LoadResult> {
  const absRoot = resolve(root);
  const exclude = (opts.exclude ?? []).map(globToRegExp);
  const findings: Finding[] = [];
  const extraFiles = new Set<string>();
  const all = new Set(listYamlFiles(absRoot, '', exclude, extraFiles));
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
      // The whole repository was just listed: `check .` does not walk it a second time.
      const files = !outside && rel === '.' ? [...all] : listYamlFiles(base, outside ? '' : rel, outside ? [] : exclude);
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
  const names = [...all].sort();
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), 8));
  const parse = async (list: readonly string[]): Promise<SourceFile[]> =>
    workers > 1 && list.length >= PARALLEL_THRESHOLD && workerScript() ? await loadParallel(absRoot, list, workers, findings) : loadSerial(absRoot, list, findings);
  if (!opts.cacheFile) return { index: new RepoIndex(await parse(names)), selected, findings, extraFiles };

  const cache = new ParseCache(opts.cacheFile);
  const files: SourceFile[] = [];
  const missing: string[] = [];
  for (const rel of names) {
    let text: string;
    try {
      text = readFileSync(join(absRoot, rel), 'utf8');
    } catch (e) {
      findings.push(readError(rel, (e as Error).message));
      continue;
    }
    const hit = cache.get(rel, text);
    if (hit) files.push(fromLoadedFileData(hit));
    else missing.push(rel);
  }
  for (const src of await parse(missing)) {
    cache.set(toLoadedFileData(src));
    files.push(src);
  }
  cache.save();
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { index: new RepoIndex(files), selected, findings, extraFiles, cache: { hits: cache.hits, misses: cache.misses } };
}


/** Below this many files, starting a worker costs more than it saves. */
const PARALLEL_THRESHOLD = 300;

function readError(rel: string, message: string): Finding {
  return { code: 'YAML_SYNTAX', severity: 'error', message: `cannot read file: ${message}`, file: rel, line: 1, column: 1 };
}

function loadSerial(absRoot: string, names: readonly string[], findings: Finding[]): SourceFile[] {
  const files: SourceFile[] = [];
  for (const rel of names) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(absRoot, rel));
    } catch (e) {
      findings.push(readError(rel, (e as Error).message));
      continue;
    }
    files.push(loadYamlBytes(rel, bytes));
  }
  return files;
}

/** The compiled worker, when running from dist (tests run from sources and load serially). */
function workerScript(): URL | undefined {
  const url = new URL('./load-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    statSync(fileURLToPath(url));
    return url;
  } catch {
    return undefined;
  }
}

/**
 * Splits the files between this thread and `workers - 1` worker threads. This thread keeps its
 * ASTs; the workers' files come back as values and text, and are re-parsed only if a finding
 * needs a position in them.
 */
async function loadParallel(absRoot: string, names: readonly string[], workers: number, findings: Finding[]): Promise<SourceFile[]> {
  const shares: string[][] = Array.from({ length: workers }, () => []);
  for (let i = 0; i < names.length; i++) shares[i % workers]!.push(names[i]!);
  const script = workerScript()!;
  const pending = shares.slice(1).map(
    (share) =>
      new Promise<(LoadedFileData | { file: string; error: string })[]>((res, rej) => {
        const w = new Worker(script, { workerData: { root: absRoot, files: share } });
        w.once('message', (m) => {
          res(m);
          void w.terminate();
        });
        w.once('error', rej);
      }),
  );
  const mine = loadSerial(absRoot, shares[0]!, findings);
  const files = [...mine];
  for (const batch of await Promise.all(pending)) {
    for (const item of batch) {
      if ('error' in item) findings.push(readError(item.file, item.error));
      else files.push(fromLoadedFileData(item));
    }
  }
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
