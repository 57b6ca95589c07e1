import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkRepository, type Finding } from '@plumbing/model';
import { compareFile, type DocumentComparison, type SplitMismatch } from './compare.js';
import type { TektonOracle } from './oracle.js';

export interface FidelityResult {
  readonly root: string;
  readonly files: number;
  readonly documents: DocumentComparison[];
  readonly splitMismatches: SplitMismatch[];
}

const SKIP = new Set(['.git', 'node_modules']);

/** Every .yaml/.yml file under root (dot-directories included, .git and node_modules not), sorted. */
export function yamlFilesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Checks a directory as `plumbing check` does (one run over the whole tree, so references
 * resolve as they do for a user) and asks Tekton about every document of every YAML file.
 */
export async function measureFidelity(root: string, oracle: TektonOracle, files = yamlFilesUnder(root)): Promise<FidelityResult> {
  const { findings } = await checkRepository(root, { paths: [root] });
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const documents: DocumentComparison[] = [];
  const splitMismatches: SplitMismatch[] = [];
  const texts = files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
  const answers = await Promise.all(texts.map(({ text }) => oracle.judge(text)));
  texts.forEach(({ file, text }, i) => {
    const result = compareFile(file, text, answers[i] ?? [], byFile.get(file) ?? []);
    if (Array.isArray(result)) documents.push(...result);
    else splitMismatches.push(result);
  });
  return { root, files: files.length, documents, splitMismatches };
}
