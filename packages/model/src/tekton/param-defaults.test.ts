import { describe, expect, it } from 'vitest';
import { scanExpressions, stepActionParamValues, taskParamValues } from './param-defaults.js';

describe('scanExpressions', () => {
  it('takes each $(...) up to its first closing parenthesis', () => {
    expect(scanExpressions('a $(params.x) b $(params.y[*]) $(echo $(params.z))')).toEqual(['params.x', 'params.y[*]', 'echo $(params.z', 'params.z']);
    expect(scanExpressions('$(unclosed')).toEqual([]);
  });
});

describe('taskParamValues (getTaskParameters)', () => {
  it('resolves defaults that reference plain defaults, one level deep, then lets run values win', () => {
    const specs = [
      { name: 'a', default: 'A' },
      { name: 'b', default: 'x-$(params.a)' },
      { name: 'c', default: '$(params.b)!' },
      { name: 'o', type: 'object' as const, default: { k1: '1', k2: '2' } },
    ];
    const values = taskParamValues(specs, new Map([['o', { k2: 'two' }]]));
    expect(values.get('b')).toBe('x-A');
    // In declaration order: b is resolved before c reads it (apply.go updates one map as it goes).
    expect(values.get('c')).toBe('x-A!');
    expect(taskParamValues([specs[2]!, specs[1]!, specs[0]!], new Map()).get('c')).toBe('$(params.b)!');
    expect(values.get('o')).toEqual({ k1: '1', k2: 'two' });
    expect(taskParamValues(specs, new Map([['a', 'given']])).get('a')).toBe('given');
  });
});

describe('stepActionParamValues (applyStepActionParameters)', () => {
  it('resolves chains of references recursively and names a cycle', () => {
    const ok = stepActionParamValues(
      [
        { name: 'a', default: 'A' },
        { name: 'b', default: '$(params.a)-b' },
        { name: 'c', default: '$(params.b)-c' },
        { name: 'd', default: '$(params.missing)' },
      ],
      [{ name: 'a', value: 'given' }],
    );
    expect(ok).toMatchObject({ ok: true });
    if (ok.ok) {
      expect(ok.values.get('c')).toBe('given-b-c');
      expect(ok.values.get('d')).toBe('$(params.missing)');
      expect([...ok.provided]).toEqual(['a']);
    }
    expect(
      stepActionParamValues(
        [
          { name: 'x', default: '$(params.y)' },
          { name: 'y', default: '$(params.x)' },
        ],
        [],
      ),
    ).toEqual({ ok: false, cycle: 'x' });
  });
});

describe('asParamValue', () => {
  it('reads non-string scalars as the string of their JSON text, as ParamValue.UnmarshalJSON does', () => {
    expect(taskParamValues([{ name: 'b', default: true as unknown as string }, { name: 'n' }], new Map([['n', 3 as unknown as string]]))).toEqual(
      new Map([
        ['b', 'true'],
        ['n', '3'],
      ]),
    );
  });
});
