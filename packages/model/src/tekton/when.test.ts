import { describe, expect, it } from 'vitest';
import { evaluateCel } from './cel.js';
import { evaluateWhen } from './when.js';

describe('evaluateWhen', () => {
  it('allows execution only when every expression is true', () => {
    expect(evaluateWhen([{ input: 'a', operator: 'in', values: ['a', 'b'] }])).toEqual({ ok: true, allowed: true });
    expect(evaluateWhen([{ input: 'c', operator: 'in', values: ['a', 'b'] }])).toEqual({ ok: true, allowed: false });
    expect(evaluateWhen([{ input: 'c', operator: 'notin', values: ['a', 'b'] }])).toEqual({ ok: true, allowed: true });
    expect(
      evaluateWhen([
        { input: 'a', operator: 'in', values: ['a'] },
        { input: 'a', operator: 'notin', values: ['a'] },
      ]),
    ).toEqual({ ok: true, allowed: false });
    expect(evaluateWhen(undefined)).toEqual({ ok: true, allowed: true });
    expect(evaluateWhen([{ input: 'a', operator: 'is' as 'in', values: ['a'] }])).toEqual({ ok: false, message: 'operator "is" is not recognized. valid operators: in,notin' });
  });

  it('evaluates CEL expressions', () => {
    expect(evaluateWhen([{ cel: "'main' == 'main'" }])).toEqual({ ok: true, allowed: true });
    expect(evaluateWhen([{ cel: "'feature/x'.startsWith('release/')" }])).toEqual({ ok: true, allowed: false });
  });
});

describe('evaluateCel', () => {
  it.each([
    ["'a' == 'a' && 1 < 2", true],
    ["'a' != 'a' || 3 > 4", false],
    ["'x' in ['x', 'y']", true],
    ["!('abc'.contains('b'))", false],
    ["'abc'.endsWith('bc')", true],
    ["'v1.2.3'.matches('^v[0-9]+')", true],
    ["'a' + 'b' == 'ab'", true],
    ['true', true],
  ])('%s ⇒ %s', (expr, value) => {
    expect(evaluateCel(expr)).toEqual({ ok: true, value });
  });

  it('rejects non-boolean results and syntax errors', () => {
    expect(evaluateCel("'a'")).toEqual({ ok: false, message: "The CEL expression 'a' is not evaluated to a boolean" });
    expect(evaluateCel("'a' ==").ok).toBe(false);
  });
});
