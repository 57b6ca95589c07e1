import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRepository, loadYaml } from '@plumbing/model';
import { compareFile, type DocumentComparison } from './compare.js';
import type { TektonOracle } from './oracle.js';
import type { BaseDocument } from './variants.js';

const TEKTON_GROUP = /^(tekton\.dev|triggers\.tekton\.dev|resolution\.tekton\.dev)\//;

/** One YAML stream judged on its own: a repository file or a generated variant. */
export interface Sample {
  readonly id: string;
  /** What was done to it (`original` for a repository file). */
  readonly mutation: string;
  readonly yaml: string;
}

/** The repository's committed YAML files that hold at least one Tekton or Triggers document. */
export function repositoryTektonFiles(repoRoot: string): { file: string; text: string; bases: BaseDocument[] }[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', '*.yaml', '*.yml'], { cwd: repoRoot, encoding: 'utf8' });
  const out: { file: string; text: string; bases: BaseDocument[] }[] = [];
  for (const file of listed.split('\0').filter(Boolean).sort()) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const bases = loadYaml(file, text)
      .docs.filter((d) => TEKTON_GROUP.test(d.apiVersion ?? ''))
      .map((d) => ({ id: `${file}#${d.index}`, value: d.value }));
    if (bases.length > 0) out.push({ file, text, bases });
  }
  return out;
}

/**
 * Checks each sample alone (its own directory, as one file `doc.yaml`), asks Tekton about the
 * same text, and compares them document by document. Alone, because Tekton's webhook judges
 * one object at a time: references to other files are not resolved on either side.
 */
export async function compareSamples(samples: readonly Sample[], oracle: TektonOracle): Promise<{ sample: Sample; doc: DocumentComparison }[]> {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-oracle-'));
  try {
    const answers = samples.map((s) => oracle.judge(s.yaml));
    const out: { sample: Sample; doc: DocumentComparison }[] = [];
    for (const [i, sample] of samples.entries()) {
      const dir = join(root, String(i));
      mkdirSync(dir);
      writeFileSync(join(dir, 'doc.yaml'), sample.yaml);
      const { findings } = await checkRepository(dir, { paths: [dir] });
      const result = compareFile('doc.yaml', sample.yaml, await (answers[i] as Promise<never>), findings);
      if (!Array.isArray(result)) {
        out.push({ sample, doc: { file: 'doc.yaml', ordinal: -1, kind: '', agreement: 'missed', codes: [], oracle: { stage: 'split', message: `check sees ${result.ours} documents, kubectl ${result.tekton}` } } });
        continue;
      }
      for (const doc of result) out.push({ sample, doc });
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The class of a disagreement, the unit of the known-differences list: what was done, to which
 * kind, which way it disagrees, and check's codes (false errors) or Tekton's stage (missed).
 */
export function disagreementClass(sample: Sample, doc: DocumentComparison): string {
  const detail = doc.agreement === 'false-error' ? doc.codes.join(',') : (doc.oracle?.stage ?? '');
  const what = sample.mutation === 'original' ? `original:${sample.id}` : sample.mutation;
  return `${what} ${doc.kind || '?'} ${doc.agreement} ${detail}`;
}
