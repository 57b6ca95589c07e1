import { describe, expect, it } from 'vitest';
import { applyReplacements, paramReplacements } from '../substitution/substitute.js';
import { inlineStepActions, mergeStepTemplate, stepActionReplacements } from './task-steps.js';


describe('mergeStepTemplate', () => {
  it('lets step scalars win, merges env by name and replaces command/args wholesale', () => {
    const merged = mergeStepTemplate(
      { image: 'alpine', workingDir: '/t', command: ['a'], env: [{ name: 'A', value: 't' }, { name: 'B', value: 't' }] },
      { name: 's', command: ['b'], env: [{ name: 'B', value: 's' }, { name: 'C', value: 's' }] },
    );
    expect(merged).toEqual({ name: 's', image: 'alpine', workingDir: '/t', command: ['b'], env: [{ name: 'A', value: 't' }, { name: 'B', value: 's' }, { name: 'C', value: 's' }] });
  });
});

describe('stepActionReplacements', () => {
  it('resolves defaults that reference other params and detects cycles', () => {
    const r = stepActionReplacements([{ name: 'a', default: 'A' }, { name: 'b', default: '$(params.a)+' }, { name: 'c', default: '$(params.b)!' }], []);
    if ('reason' in r) throw new Error(r.message);
    expect(applyReplacements('$(params.c)', r.strings)).toBe('A+!');
    expect(stepActionReplacements([{ name: 'x', default: '$(params.y)' }, { name: 'y', default: '$(params.x)' }], [])).toMatchObject({ message: expect.stringContaining('circular dependency detected in parameter references') });
  });
  it('keeps a step-result reference passed as a param for the runtime', () => {
    const r = stepActionReplacements([{ name: 'p' }], [{ name: 'p', value: '$(steps.s.results.r)' }]);
    if ('reason' in r) throw new Error(r.message);
    expect(applyReplacements('$(params.p)', r.strings)).toBe('$(steps.s.results.r)');
  });
});

describe('inlineStepActions', () => {
  it('fails an unknown StepAction and missing required params', () => {
    const table = paramReplacements([]);
    expect(inlineStepActions([{ name: 's', ref: { name: 'nope' } }], () => undefined, table)).toEqual({ reason: 'TaskRunResolutionFailed', message: 'failed to get StepAction "nope": not found' });
    expect(inlineStepActions([{ name: 's', ref: { name: 'sa' } }], () => ({ name: 'sa', spec: { image: 'alpine', params: [{ name: 'req' }] } }), table)).toEqual({
      reason: 'TaskValidationFailed',
      message: 'non-existent params in Step: [req]',
    });
  });
});
