import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, generateName, loadRunsFromFiles, resolverFor } from '@plumbing/executor';
import { loadRunFromFlags, paramTypeOf, parseParamFlag } from './load-runs-flags.js';

describe('parseParamFlag', () => {
  const types: Record<string, 'string' | 'array' | 'object'> = { s: 'string', a: 'array', o: 'object' };
  const p = (f: string) => parseParamFlag(f, (n) => types[n]);
  it('parses strings, arrays (JSON or a,b) and objects (JSON or k=v,k2=v2) by declared type', () => {
    expect(p('s=a,b=c')).toEqual({ name: 's', value: 'a,b=c' });
    expect(p('a=x,y')).toEqual({ name: 'a', value: ['x', 'y'] });
    expect(p('a=["x,1","y"]')).toEqual({ name: 'a', value: ['x,1', 'y'] });
    expect(p('a=')).toEqual({ name: 'a', value: [] });
    expect(p('o=url=http://h,rev=main')).toEqual({ name: 'o', value: { url: 'http://h', rev: 'main' } });
    expect(p('o={"k":"v"}')).toEqual({ name: 'o', value: { k: 'v' } });
    expect(p('undeclared=["j"]')).toEqual({ name: 'undeclared', value: ['j'] });
  });
  it('rejects malformed flags as usage errors', () => {
    expect(() => p('novalue')).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => p('a=[1,2]')).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => p('o=nokey')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
  it('infers param types like Tekton', () => {
    expect([paramTypeOf({ name: 'x' }), paramTypeOf({ name: 'x', default: ['a'] }), paramTypeOf({ name: 'x', properties: {} }), paramTypeOf({ name: 'x', type: 'array' })]).toEqual(['string', 'array', 'object', 'array']);
  });
});

describe('durations', () => {
  it('formats short durations', () => {
    expect([formatDuration(300), formatDuration(42_000), formatDuration(125_000), formatDuration(3_720_000)]).toEqual(['0.3s', '42s', '2m05s', '1h02m']);
  });
});

describe('loading runs', () => {
  it('generates names from a prefix, avoiding taken ones', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const n = generateName('x-', (c) => taken.has(c));
      expect(n).toMatch(/^x-[a-z]{5}$/);
      expect(taken.has(n)).toBe(false);
      taken.add(n);
    }
  });

  it('resolves references from the -f files before the repository', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-load-'));
    mkdirSync(join(root, '.git'));
    const t = (msg: string) => `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  description: ${msg}\n  steps:\n    - name: s\n      image: alpine\n      script: "true"\n`;
    mkdirSync(join(root, 'tasks'));
    writeFileSync(join(root, 'tasks', 't.yaml'), t('repo'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'plumbing-load-out-'));
    writeFileSync(join(elsewhere, 'other.yaml'), t('file'));
    writeFileSync(join(root, 'run.yaml'), 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: r\nspec:\n  taskRef: { name: t }\n');
    const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml', join(elsewhere, 'other.yaml')] });
    expect(plan.runs.map((r) => r.name)).toEqual(['r']);
    expect(resolverFor(plan, plan.runs[0]!.doc).task('t')?.spec.description).toBe('file');
    const alone = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
    expect(resolverFor(alone, alone.runs[0]!.doc).task('t')?.spec.description).toBe('repo');
  });

  it('builds a PipelineRun from run pipeline PATH with typed params', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-load-'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'p.yaml'), 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  params:\n    - name: list\n      type: array\n  tasks:\n    - name: a\n      taskSpec:\n        steps:\n          - name: s\n            image: alpine\n            script: "true"\n');
    const plan = await loadRunFromFlags({ root, cwd: root, what: 'pipeline', target: 'p.yaml', params: ['list=x,y'], workspaces: ['w=emptyDir'] });
    expect(plan.runs[0]).toMatchObject({ kind: 'PipelineRun', name: expect.stringMatching(/^p-run-[a-z]{5}$/) });
    expect(plan.runs[0]!.resource.spec).toEqual({ pipelineRef: { name: 'p' }, params: [{ name: 'list', value: ['x', 'y'] }], workspaces: [{ name: 'w', emptyDir: {} }] });
    await expect(loadRunFromFlags({ root, cwd: root, what: 'task', target: 'nope', params: [], workspaces: [] })).rejects.toMatchObject({ code: 'RUN_NO_TARGET' });
  });
});
