import { describe, expect, it } from 'vitest';
import { paramTypeOf, paramValueMismatch, valueType } from './params.js';

describe('paramTypeOf', () => {
  it('infers like ParamSpec.SetDefaults', () => {
    expect([{ name: 'x' }, { name: 'x', default: ['a'] }, { name: 'x', default: { k: 'v' } }, { name: 'x', properties: {} }, { name: 'x', type: 'array' }, { name: 'x', default: 'a' }].map(paramTypeOf)).toEqual(['string', 'array', 'object', 'object', 'array', 'string']);
  });
});

describe('valueType and paramValueMismatch', () => {
  it('types values and accepts a whole reference for any type', () => {
    expect([valueType('a'), valueType(['a']), valueType({ a: 'b' })]).toEqual(['string', 'array', 'object']);
    expect(paramValueMismatch('array', ['a'])).toBeUndefined();
    expect(paramValueMismatch('array', '$(params.list)')).toBeUndefined();
    expect(paramValueMismatch('object', 'x-$(params.o)')).toBeUndefined();
    expect(paramValueMismatch('array', 'a')).toBe('a array param given a string');
    expect(paramValueMismatch('string', ['a'])).toBe('a string param given an array');
  });
});
