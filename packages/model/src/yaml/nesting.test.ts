import { describe, expect, it } from 'vitest';
import { loadYaml, MAX_NESTING, nestingDepth } from './source.js';

describe('nestingDepth', () => {
  it('counts block and flow levels without parsing', () => {
    expect(nestingDepth('a:\n  b:\n    c: [1, {d: 2}]\n').depth).toBe(5);
    expect(nestingDepth('a: "[[[["\nb: x # {{{{\n').depth).toBe(1);
  });
});

describe('loadYaml on pathological nesting', () => {
  it.each([
    ['a 10,000-deep block map', `${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`],
    ['a 10,000-deep block sequence', `${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i * 2)}-`).join('\n')} v\n`],
    ['10,000-deep flow maps', `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`],
  ])('gives one YAML_SYNTAX finding for %s, and no documents', (_name, text) => {
    const src = loadYaml('deep.yaml', text);
    expect(src.docs).toEqual([]);
    expect(src.findings.map((f) => ({ code: f.code, file: f.file }))).toEqual([{ code: 'YAML_SYNTAX', file: 'deep.yaml' }]);
    expect(src.findings[0]?.message).toContain(`deeper than ${MAX_NESTING}`);
  });
});
