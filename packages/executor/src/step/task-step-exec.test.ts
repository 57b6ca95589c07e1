import { describe, expect, it } from 'vitest';
import { expandK8s } from './task-step-exec.js';

describe('expandK8s', () => {
  it('expands defined $(VAR), keeps unknown ones and reduces $$ to $', () => {
    const env = new Map([['A', 'x']]);
    expect(expandK8s('$(A) $(B) $$(A) $$HOME $HOME $', env)).toBe('x $(B) $(A) $HOME $HOME $');
  });
});
