import { describe, expect, it } from 'vitest';
import {
  applyArrayReplacements,
  applyReplacements,
  applyReplacementsAsString,
  applyToList,
  applyToParamValue,
  applyToStep,
  checkIsolated,
  checkNoWholeRef,
  contextReplacements,
  exitCodePathReplacements,
  mergeReplacements,
  paramReplacements,
  parseResultValue,
  resultPathReplacements,
  stepContainerName,
  stepResultPathReplacements,
  workspaceReplacements,
} from './substitute.js';

const params = paramReplacements([
  { name: 's', value: 'hello' },
  { name: 'a.b', value: 'dotted' },
  { name: 'arr', value: ['x', 'y'] },
  { name: 'empty', value: [] },
  { name: 'obj', value: { url: 'u', commit: 'c' } },
]);

describe('applyReplacements', () => {
  it('replaces every spelling of a string param', () => {
    expect(applyReplacements(`$(params.s) $(params["s"]) $(params['s']) $(inputs.params.s)`, params.strings)).toBe('hello hello hello hello');
  });
  it('registers dotted names in every spelling, as Tekton does at run time (the bracket rule is a webhook check)', () => {
    expect(applyReplacements(`$(params['a.b']) $(params["a.b"]) $(params.a.b)`, params.strings)).toBe('dotted dotted dotted');
  });
  it('replaces array indexes and object keys', () => {
    expect(applyReplacements('$(params.arr[1]) $(params.obj.url) $(params["obj"].commit)', params.strings)).toBe('y u c');
  });
  it('leaves unknown references, shell expansions and out-of-range indexes verbatim', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion that must stay literal
    const s = '$(params.nope) $(date) $$ ${HOME} $HOME $(params.arr[2]) $(params.s[*])';
    expect(applyReplacements(s, params.strings)).toBe(s);
  });
  it('is a single pass: a value containing a reference is not rescanned', () => {
    const r = paramReplacements([
      { name: 'x', value: '$(params.y)' },
      { name: 'y', value: 'Y' },
    ]);
    expect(applyReplacements('$(params.x)', r.strings)).toBe('$(params.y)');
  });
  it('replaces a reference nested in a shell command substitution', () => {
    expect(applyReplacements('$(echo $(params.s))', params.strings)).toBe('$(echo hello)');
  });
});

describe('array replacements', () => {
  it('splices a whole array that is the entire element, with or without [*]', () => {
    expect(applyToList(['a', '$(params.arr[*])', '$(params.arr)', 'b'], params)).toEqual(['a', 'x', 'y', 'x', 'y', 'b']);
  });
  it('splices an empty array to nothing', () => {
    expect(applyToList(['$(params.empty[*])', 'z'], params)).toEqual(['z']);
  });
  it('does not splice an array that is not isolated', () => {
    expect(applyArrayReplacements('--x=$(params.arr[*])', params)).toEqual(['--x=$(params.arr[*])']);
  });
  it('changes a param value that is exactly one whole ref to the ref type', () => {
    expect(applyToParamValue('$(params.arr[*])', params)).toEqual(['x', 'y']);
    expect(applyToParamValue('$(params.obj[*])', params)).toEqual({ url: 'u', commit: 'c' });
    expect(applyToParamValue(['$(params.arr)', '$(params.s)'], params)).toEqual(['x', 'y', 'hello']);
  });
  it('encodes a whole array as JSON in a when input', () => {
    expect(applyReplacementsAsString('$(params.arr[*])', params)).toBe('["x","y"]');
  });
});

describe('webhook array checks', () => {
  const keys = new Set(['params.arr']);
  it('flags a whole array that is not the entire element', () => {
    expect(checkIsolated('--a=$(params.arr[*])', keys)?.kind).toBe('not-isolated');
    expect(checkIsolated('$(params.arr[*])', keys)).toBeUndefined();
    expect(checkIsolated('$(params.arr[0])', keys)).toBeUndefined();
  });
  it('flags a whole array in a string-only field', () => {
    expect(checkNoWholeRef('echo $(params.arr)', keys)?.kind).toBe('type-invalid');
    expect(checkNoWholeRef('echo $(params.arr[1])', keys)).toBeUndefined();
  });
});

describe('TaskRun variable tables', () => {
  it('names step containers like Tekton', () => {
    expect(stepContainerName('build', 0)).toBe('step-build');
    expect(stepContainerName(undefined, 2)).toBe('step-unnamed-2');
  });
  it('builds context, results, step results, exit code and workspace paths', () => {
    const r = mergeReplacements(
      contextReplacements({ taskRunName: 'tr', namespace: 'ns', uid: 'u1', taskName: 't', retryCount: 0 }),
      resultPathReplacements(['out']),
      stepResultPathReplacements('step-a', ['sr']),
      exitCodePathReplacements(['step-a']),
      workspaceReplacements([{ name: 'src', path: '/workspace/src', bound: true, claim: '', volume: 'ws-abc' }]),
    );
    const s =
      '$(context.taskRun.name) $(context.task.name) $(context.task.retry-count) $(results.out.path) $(step.results.sr.path) $(steps.step-a.exitCode.path) $(workspaces.src.path) $(workspaces.src.bound)';
    expect(applyReplacements(s, r.strings)).toBe('tr t 0 /tekton/results/out /tekton/steps/step-a/results/sr /tekton/steps/step-a/exitCode /workspace/src true');
  });
});

describe('applyToStep', () => {
  it('keeps a step workspace without mountPath as it is (upstream beta/workspace-isolation.yaml)', () => {
    expect(applyToStep({ name: 'x', image: 'alpine', workspaces: [{ name: 'signals' }] }, params).workspaces).toEqual([{ name: 'signals' }]);
  });
  it('substitutes script, command/args with splicing, env and workingDir', () => {
    const step = applyToStep(
      { name: 'x', image: 'alpine', script: 'echo $(params.s)', args: ['$(params.arr[*])'], env: [{ name: 'E', value: '$(params.obj.url)' }], workingDir: '/w/$(params.s)' },
      params,
    );
    expect(step).toMatchObject({ script: 'echo hello', args: ['x', 'y'], env: [{ name: 'E', value: 'u' }], workingDir: '/w/hello' });
  });
});

describe('parseResultValue', () => {
  it('parses JSON arrays and string maps, otherwise keeps the text verbatim', () => {
    expect(parseResultValue('["a","b"]\n')).toEqual(['a', 'b']);
    expect(parseResultValue('{"k":"v"}')).toEqual({ k: 'v' });
    expect(parseResultValue('[1,2]')).toBe('[1,2]');
    expect(parseResultValue('hello\n')).toBe('hello\n');
  });
});
