import { describe, expect, it } from 'vitest';
import type { PipelineTask } from '../types/tekton.js';
import { topologicalOrder } from './dag.js';
import { buildPipelineDag, pipelineTaskDeps, refsIn, resultRefProducers } from './task-deps.js';

const t = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({ name, taskRef: { name: 'x' }, ...extra });
const ref = (task: string) => `$(tasks.${task}.results.r)`;

describe('pipelineTaskDeps', () => {
  // One case per place a dependency can be written; each names a task of its own.
  const sources: [string, Record<string, unknown>][] = [
    ['runAfter', { runAfter: ['x'] }],
    ['params', { params: [{ name: 'p', value: ref('x') }] }],
    ['array params', { params: [{ name: 'p', value: ['a', `$(tasks.x.results.arr[*])`] }] }],
    ['object params', { params: [{ name: 'p', value: { k: '$(tasks.x.results.obj.key)' } }] }],
    ['matrix params', { matrix: { params: [{ name: 'm', value: ['$(tasks.x.results.arr[*])'] }] } }],
    ['matrix include params', { matrix: { include: [{ name: 'i', params: [{ name: 'p', value: ref('x') }] }] } }],
    ['when input', { when: [{ input: ref('x'), operator: 'in', values: ['y'] }] }],
    ['when values', { when: [{ input: 'y', operator: 'in', values: [ref('x')] }] }],
    ['when cel', { when: [{ cel: `'${ref('x')}' == 'y'` }] }],
    ['displayName', { displayName: `build ${ref('x')}` }],
    ['an embedded taskSpec step', { taskRef: undefined, taskSpec: { steps: [{ name: 's', image: 'busybox', script: `echo ${ref('x')}` }] } }],
    ['an embedded taskSpec sidecar', { taskRef: undefined, taskSpec: { steps: [], sidecars: [{ name: 'db', image: 'pg', env: [{ name: 'E', value: ref('x') }] }] } }],
    ['taskRef resolver params', { taskRef: { resolver: 'git', params: [{ name: 'revision', value: ref('x') }] } }],
    ['taskRef name', { taskRef: { name: `task-${ref('x')}` } }],
    ['workspace subPath', { workspaces: [{ name: 'w', workspace: 'src', subPath: ref('x') }] }],
    ['a command substitution around the reference', { taskRef: undefined, taskSpec: { steps: [{ name: 's', image: 'busybox', script: `v=$(echo ${ref('x')})` }] } }],
  ];
  it.each(sources)('counts a dependency written in %s', (_, extra) => {
    expect(pipelineTaskDeps({ name: 't', ...extra })).toEqual(['x']);
  });

  it('does not count status references, finally results, plain text, or the tasks of an embedded pipelineSpec', () => {
    const pt = {
      name: 't',
      params: [{ name: 'a', value: '$(tasks.a.status)' }, { name: 'b', value: '$(tasks.b.reason)' }, { name: 'c', value: 'tasks.c.results.r' }, { name: 'd', value: '$(finally.d.results.r)' }],
      pipelineSpec: { tasks: [{ name: 'inner', params: [{ name: 'p', value: ref('e') }] }] },
    };
    expect(pipelineTaskDeps(pt)).toEqual([]);
  });

  it('lists runAfter first, then producers in the order first written, each once', () => {
    const pt = t('c', {
      runAfter: ['d', 'd'],
      params: [{ name: 'p', value: `${ref('b')} ${ref('d')}` }],
      taskSpec: { steps: [{ name: 's', image: 'busybox', script: `echo ${ref('a')}` }] },
      when: [{ input: ref('b'), operator: 'in', values: ['x'] }],
    });
    expect(pipelineTaskDeps(pt)).toEqual(['d', 'b', 'a']);
  });
});

describe('resultRefProducers', () => {
  it('reads finally results under the finally root only', () => {
    expect(resultRefProducers(['$(finally.f.results.r)', ref('a')], 'finally')).toEqual(['f']);
  });
});

describe('refsIn', () => {
  it('finds references nested in a shell command substitution', () => {
    expect(refsIn('x=$(echo $(tasks.a.results.r))').map((r) => r.expr)).toEqual(['tasks.a.results.r']);
  });
});

describe('buildPipelineDag', () => {
  it('orders tasks by runAfter and result references', () => {
    const r = buildPipelineDag([t('c', { params: [{ name: 'p', value: '$(tasks.b.results.out)' }] }), t('b', { runAfter: ['a'] }), t('a'), t('d', { runAfter: ['a'] })]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(topologicalOrder(r.dag)).toEqual(['a', 'b', 'd', 'c']);
    expect(r.dag.parents.get('c')).toEqual(['b']);
  });

  it('reports the lexicographically smallest task of a cycle with all its remaining dependencies', () => {
    expect(buildPipelineDag([t('b', { runAfter: ['a'] }), t('a', { runAfter: ['b', 'c'] }), t('c')])).toEqual({ ok: false, message: 'cycle detected; task "a" depends on "b"' });
  });

  it('reports a self dependency through a result as a cycle', () => {
    expect(buildPipelineDag([t('a', { params: [{ name: 'p', value: ref('a') }] })])).toEqual({ ok: false, message: 'cycle detected; task "a" depends on "a"' });
  });

  it("reports an unknown dependency with Tekton's message", () => {
    expect(buildPipelineDag([t('a', { runAfter: ['x'] })])).toEqual({ ok: false, message: "couldn't add link between a and x: task a depends on x but x wasn't present in Pipeline" });
  });
});
