import { describe, expect, it } from 'vitest';
import { undeclaredPipelineParams } from './pipeline-refs.js';

describe('undeclaredPipelineParams', () => {
  it('lists params referenced at pipeline level but not declared, not those of an embedded taskSpec', () => {
    const spec = {
      params: [{ name: 'a' }, { name: 'b.c' }],
      tasks: [
        { name: 't', params: [{ name: 'p', value: '$(params.a) $(params.b.c) $(params.nope) $(params.o.key)' }], taskSpec: { steps: [{ name: 's', image: 'x', script: '$(params.inner)' }] } },
      ],
      finally: [{ name: 'f', when: [{ input: '$(params["gone"])', operator: 'in' as const, values: ['x'] }], taskRef: { name: 'x' } }],
    };
    expect(undeclaredPipelineParams(spec)).toEqual(['nope', 'o', 'gone']);
  });
});
