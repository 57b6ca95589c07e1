import { describe, expect, it } from 'vitest';
import { parseDeclared, terminationMessageSize, validateResults } from './task-results.js';

describe('parseDeclared', () => {
  it('keeps string results verbatim even when they look like JSON', () => {
    expect(parseDeclared('string', '["a"]')).toBe('["a"]');
    expect(parseDeclared('array', '["a"]')).toEqual(['a']);
  });
});

describe('validateResults', () => {
  it('reports a type mismatch with Tekton message', () => {
    expect(validateResults([{ name: 'r', type: 'array' }], [{ name: 'r', type: 'array', value: 'text' }])).toEqual({
      reason: 'TaskRunValidationFailed',
      message:
        'Provided results don\'t match declared results; may be invalid JSON or missing result declaration: "r": task result is expected to be "array" type but was initialized to a different type "string"',
    });
  });
  it('reports object results missing declared keys', () => {
    expect(validateResults([{ name: 'o', properties: { a: {}, b: {} } }], [{ name: 'o', type: 'object', value: { a: '1' } }])).toEqual({
      reason: 'TaskRunValidationFailed',
      message: "missing keys for these results which are required in TaskResult's properties map[o:[b]]",
    });
  });
});

describe('terminationMessageSize', () => {
  it('counts the JSON termination message with the StartedAt entry', () => {
    expect(terminationMessageSize([{ key: 'r', value: 'v' }], '2026-01-01T00:00:00Z')).toBe(JSON.stringify([{ key: 'r', value: 'v', type: 1 }, { key: 'StartedAt', value: '2026-01-01T00:00:00Z', type: 3 }]).length);
  });
});
