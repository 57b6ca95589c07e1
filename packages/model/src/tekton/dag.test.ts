import { describe, expect, it } from 'vitest';
import { buildDag, findCycles, missingDeps, topologicalOrder } from './dag.js';

const graph = (o: Record<string, string[]>) => Object.entries(o).map(([name, deps]) => ({ name, deps }));

describe('buildDag', () => {
  it('orders tasks topologically, ties in spec order', () => {
    const r = buildDag(graph({ c: ['b'], b: ['a'], a: [], d: ['a', 'a'] }));
    expect(r.ok && topologicalOrder(r.dag)).toEqual(['a', 'b', 'd', 'c']);
    expect(r.ok && r.dag.parents.get('d')).toEqual(['a']);
  });
  it("refuses cycles before missing tasks, and duplicates first, with Tekton's messages", () => {
    expect(buildDag(graph({ a: ['b', 'x'], b: ['a'] }))).toEqual({ ok: false, message: 'cycle detected; task "a" depends on "b"' });
    expect(buildDag(graph({ a: ['x'] }))).toEqual({ ok: false, message: "couldn't add link between a and x: task a depends on x but x wasn't present in Pipeline" });
    expect(buildDag([...graph({ a: [] }), ...graph({ a: [] })])).toMatchObject({ ok: false, message: expect.stringContaining('duplicate pipeline task') });
  });
});

describe('findCycles', () => {
  it('gives each cycle once, as a path from its smallest task', () => {
    expect(findCycles(new Map(Object.entries({ c: ['b'], b: ['a'], a: ['c'], d: ['d'], e: ['a'] })))).toEqual([['a', 'c', 'b'], ['d']]);
    expect(findCycles(new Map(Object.entries({ a: [], b: ['a'] })))).toEqual([]);
  });
});

describe('missingDeps', () => {
  it('lists dependencies on names that are not tasks', () => {
    expect(missingDeps(graph({ a: ['x', 'b', 'x'], b: ['y'] }))).toEqual([{ task: 'a', dep: 'x' }, { task: 'b', dep: 'y' }]);
  });
});
