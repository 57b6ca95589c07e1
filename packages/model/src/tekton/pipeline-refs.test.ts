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

  it('accepts a matrix param named in displayName or an include name, as Tekton validates only params, matrix params and when', () => {
    const include = [{ name: 'on $(params.platform)', params: [{ name: 'x', value: '$(params.missing)' }] }];
    const spec = {
      tasks: [{ name: 't', displayName: 'on $(params.platform)', matrix: { params: [{ name: 'platform', value: ['linux'] }], include }, taskRef: { name: 'x' } }],
    };
    expect(undeclaredPipelineParams(spec)).toEqual(['missing']);
  });
});
