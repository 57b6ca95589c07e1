import { describe, expect, it } from 'vitest';
import { applyReplacements } from '../substitution/substitute.js';
import { checkArrayIndexes, paramSpecType, propagateParamSpecs, resolveTaskParams } from './task-params.js';

describe('paramSpecType', () => {
  it('infers the type like ParamSpec.SetDefaults', () => {
    expect(paramSpecType({ name: 'a', type: 'array' })).toBe('array');
    expect(paramSpecType({ name: 'o', properties: { k: {} } })).toBe('object');
    expect(paramSpecType({ name: 's' })).toBe('string');
    expect(paramSpecType({ name: 'd', default: ['x'] })).toBe('array');
    expect(paramSpecType({ name: 'e', default: { k: 'v' } })).toBe('object');
  });
});

describe('resolveTaskParams', () => {
  it('starts from defaults, lets run values win and merges objects key-wise', () => {
    const r = resolveTaskParams('t', [{ name: 's', default: 'd' }, { name: 'o', properties: { url: {}, commit: {} }, default: { url: 'u' } }], [{ name: 'o', value: { commit: 'c' } }]);
    if ('reason' in r) throw new Error(r.message);
    expect(r.values.get('o')).toEqual({ url: 'u', commit: 'c' });
    expect(applyReplacements('$(params.s) $(params.o.url) $(params.o.commit)', r.replacements.strings)).toBe('d u c');
  });
  it('resolves a default that references another default, from defaults only (replacementsFromDefaultParams)', () => {
    const r = resolveTaskParams('t', [{ name: 'a', default: 'A' }, { name: 'b', default: '$(params.a)-b' }], [{ name: 'a', value: 'run' }]);
    if ('reason' in r) throw new Error(r.message);
    expect(r.values.get('b')).toBe('A-b');
  });
  it('reports missing params, then type mismatches, then missing object keys, with Tekton messages', () => {
    expect(resolveTaskParams('t', [{ name: 'x' }, { name: 'y', type: 'array' }], [])).toEqual({
      reason: 'TaskRunValidationFailed',
      message: 'invalid input params for task t: missing values for these params which have no default values: [x y]',
    });
    expect(resolveTaskParams('t', [{ name: 'y', type: 'array' }], [{ name: 'y', value: 's' }])).toEqual({
      reason: 'TaskRunValidationFailed',
      message: "invalid input params for task t: param types don't match the user-specified type: [y]",
    });
    expect(resolveTaskParams('t', [{ name: 'o', properties: { a: {}, b: {} } }], [{ name: 'o', value: { a: '1' } }])).toEqual({
      reason: 'TaskRunValidationFailed',
      message: "invalid input params for task t: missing keys for these params which are required in ParamSpec's properties map[o:[b]]",
    });
  });
  it('accepts a single $(...) reference as the value of an array param (issue #4879)', () => {
    expect('reason' in resolveTaskParams('t', [{ name: 'y', type: 'array' }], [{ name: 'y', value: '$(tasks.a.results.r[*])' }])).toBe(false);
  });
  it('fails a run value outside the enum with InvalidParamValue', () => {
    expect(resolveTaskParams('t', [{ name: 'e', enum: ['a', 'b'], default: 'a' }], [{ name: 'e', value: 'c' }])).toEqual({
      reason: 'InvalidParamValue',
      message: 'param `e` value: c is not in the enum list',
    });
  });
  it('ignores extra run params', () => {
    expect('reason' in resolveTaskParams('t', [], [{ name: 'extra', value: 'x' }])).toBe(false);
  });
});

describe('propagateParamSpecs', () => {
  it('declares undeclared run params of an embedded spec with the value type', () => {
    expect(propagateParamSpecs({ params: [{ name: 'a' }] }, [{ name: 'a', value: 'x' }, { name: 'b', value: ['y'] }])).toEqual([{ name: 'a' }, { name: 'b', type: 'array' }]);
  });
});

describe('checkArrayIndexes', () => {
  it('lists out-of-bound indexes in every spelling', () => {
    const spec = { steps: [{ image: 'x', script: `$(params.a[0]) $(params.a[2]) $(params["a"][3])` }] };
    expect(checkArrayIndexes(spec, new Map([['a', ['1', '2']]]))).toEqual({
      reason: 'TaskRunValidationFailed',
      message: 'non-existent param references:[$(params.a[2]) $(params["a"][3])]',
    });
  });
});
