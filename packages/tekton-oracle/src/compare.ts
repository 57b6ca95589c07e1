import { type CodeInfo, CODES, type Finding, isCode } from '@plumbing/model';
import { parseAllDocuments } from 'yaml';
import type { OracleAnswer } from './oracle.js';

/** How `check` and Tekton agree on one document. */
export type Agreement = 'agree-accept' | 'agree-refuse' | 'false-error' | 'missed';

export interface DocumentComparison {
  readonly file: string;
  /** 0-based ordinal among the file's non-empty documents. */
  readonly ordinal: number;
  readonly kind: string;
  readonly agreement: Agreement;
  /** check's Tekton-family error codes in the document, sorted and unique. */
  readonly codes: readonly string[];
  /** Tekton's stage and first message when it refused. */
  readonly oracle?: { stage: string; message: string };
}

/** A file whose documents `check` and kubectl split differently: no per-document comparison. */
export interface SplitMismatch {
  readonly file: string;
  readonly ours: number;
  readonly tekton: number;
}

/** True for codes that say Tekton would refuse: errors not marked "stricter than Tekton". */
export function isTektonFamilyError(f: Pick<Finding, 'code' | 'severity'>): boolean {
  if (f.severity !== 'error') return false;
  if (!isCode(f.code)) return true;
  return !(CODES[f.code] as CodeInfo).stricterThanTekton;
}

/** Line ranges (1-based, inclusive) of the non-empty documents of a YAML stream, as `yaml` splits it. */
export function documentLines(text: string): { start: number; end: number }[] {
  const lineOf = lineIndex(text);
  const out: { start: number; end: number }[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const empty = doc.errors.length === 0 && (doc.contents === null || (doc.contents as { value?: unknown }).value === null);
    if (empty) continue;
    const [start, , end] = doc.range;
    out.push({ start: lineOf(start), end: lineOf(Math.max(start, end - 1)) });
  }
  return out;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/**
 * Compares check's findings for one file with Tekton's answers for it, document by document.
 * Documents Tekton does not judge (not a Tekton kind, empty) are left out.
 */
export function compareFile(
  file: string,
  text: string,
  answers: readonly OracleAnswer[],
  findings: readonly Finding[],
): DocumentComparison[] | SplitMismatch {
  const ranges = documentLines(text);
  const judged = answers.filter((a) => a.verdict !== 'empty');
  if (judged.length !== ranges.length) return { file, ours: ranges.length, tekton: judged.length };
  const out: DocumentComparison[] = [];
  judged.forEach((answer, ordinal) => {
    if (answer.verdict === 'not-tekton') return;
    const range = ranges[ordinal] as { start: number; end: number };
    const inDoc = findings.filter((f) => f.file === file && f.line >= range.start && f.line <= range.end && isTektonFamilyError(f));
    const codes = [...new Set(inDoc.map((f) => f.code))].sort();
    const refused = answer.verdict !== 'accepted';
    const agreement: Agreement = refused ? (codes.length > 0 ? 'agree-refuse' : 'missed') : codes.length > 0 ? 'false-error' : 'agree-accept';
    const message = answer.errors?.[0]?.message ?? '';
    out.push({
      file,
      ordinal,
      kind: answer.kind ?? '',
      agreement,
      codes,
      ...(refused ? { oracle: { stage: answer.stage ?? answer.verdict, message } } : {}),
    });
  });
  return out;
}

/** Agreement figures over many comparisons: counts per class and the agreeing share. */
export function summarize(docs: readonly DocumentComparison[]): Record<Agreement, number> & { documents: number; agreement: number } {
  const counts: Record<Agreement, number> = { 'agree-accept': 0, 'agree-refuse': 0, 'false-error': 0, missed: 0 };
  for (const d of docs) counts[d.agreement]++;
  const agreeing = counts['agree-accept'] + counts['agree-refuse'];
  return { ...counts, documents: docs.length, agreement: docs.length === 0 ? 1 : agreeing / docs.length };
}
