import { describe, expect, it } from 'vitest';
import { compareFile, documentLines, summarize } from './compare.js';
import type { OracleAnswer } from './oracle.js';

const text = ['---', '# only a comment', '---', 'apiVersion: tekton.dev/v1', 'kind: Task', '---', 'apiVersion: v1', 'kind: ConfigMap', ''].join('\n');
const finding = (code: string, line: number, severity: 'error' | 'warning' = 'error') => ({ code, severity, message: '', file: 'a.yaml', line, column: 1 });

describe('documentLines', () => {
  it('gives the line range of each non-empty document', () => {
    expect(documentLines(text)).toEqual([
      { start: 3, end: 5 },
      { start: 6, end: 8 },
    ]);
  });
});

describe('compareFile', () => {
  const answers: OracleAnswer[] = [
    { index: 0, verdict: 'empty' },
    { index: 1, verdict: 'empty' },
    { index: 2, verdict: 'refused', kind: 'Task', stage: 'webhook', errors: [{ message: 'missing field(s): spec.steps' }] },
    { index: 3, verdict: 'not-tekton', kind: 'ConfigMap' },
  ];

  it('agrees when check reports an error in the document Tekton refuses, and skips non-Tekton documents', () => {
    expect(compareFile('a.yaml', text, answers, [finding('TASK_MISSING_STEPS', 5), finding('CONFIG_INVALID', 7)])).toEqual([
      { file: 'a.yaml', ordinal: 0, kind: 'Task', agreement: 'agree-refuse', codes: ['TASK_MISSING_STEPS'], oracle: { stage: 'webhook', message: 'missing field(s): spec.steps' } },
    ]);
  });

  it('calls a refusal without an error (warnings do not count) missed, and an error on an accepted document false', () => {
    expect(compareFile('a.yaml', text, answers, [finding('UNUSED_PARAM', 5, 'warning')])[0 as never]).toMatchObject({ agreement: 'missed' });
    const accepted = answers.map((a) => (a.verdict === 'refused' ? { ...a, verdict: 'accepted' as const } : a));
    const docs = compareFile('a.yaml', text, accepted, [finding('DUPLICATE_PARAM', 4)]);
    expect(docs).toMatchObject([{ agreement: 'false-error', codes: ['DUPLICATE_PARAM'] }]);
    expect(summarize(Array.isArray(docs) ? docs : [])).toMatchObject({ 'false-error': 1, documents: 1, agreement: 0 });
  });

  it('reports a split mismatch when kubectl and check see a different number of documents', () => {
    expect(compareFile('a.yaml', text, answers.slice(0, 3), [])).toEqual({ file: 'a.yaml', ours: 2, tekton: 1 });
  });
});
