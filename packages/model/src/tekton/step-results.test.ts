import { describe, expect, it } from 'vitest';
import { applyStepResultsToList, applyStepResultsToString, parseStepResultFile } from './step-results.js';

const files = (s: string, r: string) => (s === 'p' ? ({ arr: '["a","b"]', obj: '{"k":"v"}', quoted: '"q"', plain: 'text\n', empty: '[]' } as Record<string, string>)[r] : undefined);

describe('parseStepResultFile', () => {
  it('reads a file as ParamValue.UnmarshalJSON does', () => {
    expect(['["a"]', '{"k":"v"}', '"q"', 'text\n', '[1,2]', ''].map(parseStepResultFile)).toEqual([['a'], { k: 'v' }, 'q', 'text\n', '[1,2]', '']);
  });
});

describe('step result references at step start', () => {
  it('gives the string value of a whole reference ("" for arrays and objects), [i] and .key', () => {
    expect(applyStepResultsToString('<$(steps.p.results.arr)><$(steps.p.results.arr[*])><$(steps.p.results.obj)><$(steps.p.results.obj.k)><$(steps.p.results.arr[1])><$(steps.p.results.quoted)>', files)).toBe('<><><><v><b><q>');
  });

  it('splices [*] in lists only as a whole element, keeps an empty array as one empty element, and refuses what the entrypoint refuses', () => {
    expect(applyStepResultsToList(['$(steps.p.results.arr[*])', 'x-$(steps.p.results.plain)', '$(steps.p.results.empty[*])'], files)).toEqual(['a', 'b', 'x-text\n', '']);
    expect(applyStepResultsToList(['x$(steps.p.results.arr[*])'], files)).toBeUndefined();
    expect(applyStepResultsToList(['$(steps.nope.results.r)'], files)).toBeUndefined();
    expect(applyStepResultsToString('$(steps.p.results.arr[5])', files)).toBeUndefined();
  });
});
