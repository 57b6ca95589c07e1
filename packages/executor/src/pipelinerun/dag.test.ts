import { type PipelineTask, topologicalOrder } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import { buildDag, refsIn, taskDeps } from './dag.js';

const t = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({ name, taskRef: { name: 'x' }, ...extra });

describe('buildDag', () => {
  it('orders tasks by runAfter and result references', () => {
    const r = buildDag([
      t('c', { params: [{ name: 'p', value: '$(tasks.b.results.out)' }] }),
      t('b', { runAfter: ['a'] }),
      t('a'),
      t('d', { runAfter: ['a'] }),
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(topologicalOrder(r.dag)).toEqual(['a', 'b', 'd', 'c']);
    expect(r.dag.parents.get('c')).toEqual(['b']);
  });

  it('reports the lexicographically smallest task of a cycle with all its remaining dependencies', () => {
    const r = buildDag([t('b', { runAfter: ['a'] }), t('a', { runAfter: ['b', 'c'] }), t('c')]);
    expect(r).toEqual({ ok: false, message: 'cycle detected; task "a" depends on "b"' });
  });

  it('reports a self dependency as a cycle', () => {
    expect(buildDag([t('a', { runAfter: ['a'] })])).toEqual({ ok: false, message: 'cycle detected; task "a" depends on "a"' });
  });

  it('reports an unknown dependency with Tekton\'s message', () => {
    expect(buildDag([t('a', { runAfter: ['x'] })])).toEqual({
      ok: false,
      message: "couldn't add link between a and x: task a depends on x but x wasn't present in Pipeline",
    });
  });

  it('counts result references inside an embedded taskSpec, when and matrix as dependencies', () => {
    const pt: PipelineTask = {
      name: 'c',
      taskSpec: { steps: [{ name: 's', image: 'busybox', script: 'echo $(tasks.a.results.r)' }] },
      when: [{ input: '$(tasks.b.results.r)', operator: 'in', values: ['x'] }],
      matrix: { params: [{ name: 'm', value: ['$(tasks.d.results.arr[*])'] }] },
    };
    expect(taskDeps(pt)).toEqual(['d', 'b', 'a']);
  });
});

describe('refsIn', () => {
  it('finds references nested in a shell command substitution', () => {
    expect(refsIn('x=$(echo $(tasks.a.results.r))').map((r) => r.expr)).toEqual(['tasks.a.results.r']);
  });
});
