import { describe, expect, it } from 'vitest';
import { capFindings } from './check-repository.js';
import type { Finding } from './finding.js';

const f = (code: string, line: number, file = 'a.yaml'): Finding => ({ code, severity: 'error', message: `m${line}`, file, line, column: 1, hint: 'h' });

describe('capFindings', () => {
  it('keeps the first findings of a code in a file and summarises the rest in one finding', () => {
    const input = [...Array.from({ length: 5 }, (_, i) => f('UNDEFINED_PARAM_REFERENCE', i + 1)), f('YAML_SYNTAX', 9), f('UNDEFINED_PARAM_REFERENCE', 1, 'b.yaml')];
    const out = capFindings(input, 2);
    expect(out.map((x) => [x.file, x.code, x.line, x.message])).toEqual([
      ['a.yaml', 'UNDEFINED_PARAM_REFERENCE', 1, 'm1'],
      ['a.yaml', 'UNDEFINED_PARAM_REFERENCE', 2, 'm2'],
      ['a.yaml', 'UNDEFINED_PARAM_REFERENCE', 3, '3 more UNDEFINED_PARAM_REFERENCE findings in this file are not shown (first at line 3)'],
      ['a.yaml', 'YAML_SYNTAX', 9, 'm9'],
      ['b.yaml', 'UNDEFINED_PARAM_REFERENCE', 1, 'm1'],
    ]);
  });
});
