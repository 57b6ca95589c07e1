import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../test-helpers.js';

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['name', 'tasks', 'finally', 'params', 'value', 'values', 'default', 'type', 'properties', 'enum', 'taskRef', 'taskSpec', 'pipelineRef', 'pipelineSpec', 'runAfter', 'when', 'input', 'operator', 'cel', 'matrix', 'include', 'workspaces', 'workspace', 'optional', 'subPath', 'results', 'steps', 'onError', 'retries', 'timeout', 'timeouts', 'pipeline', 'resolver', 'kind', 'apiVersion', 'status', 'taskRunSpecs', 'pipelineTaskName', 'emptyDir', 'persistentVolumeClaim', 'stepSpecs'];
const STRINGS = ['a', 'b', 'x', '$(params.a)', '$(params.a[*])', '$(params.o.k)', '$(tasks.a.results.r)', '$(tasks.b.results.r[*])', '$(tasks.a.status)', '$(tasks.status)', '$(finally.f.results.r)', '$(context.pipelineRun.name)', '$(context.x.y)', '$(foo.bar)', '$(workspaces.w.bound)', 'in', 'notin', '1h', '-1m', "'a' == 'b'", 'git://x/y', '$(', ''];

function value(r: () => number, depth: number): unknown {
  const p = r();
  if (depth > 4 || p < 0.35) {
    const q = r();
    if (q < 0.7) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (q < 0.8) return Math.floor(r() * 600) - 100;
    if (q < 0.9) return r() < 0.5;
    return null;
  }
  if (p < 0.65) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]!] = value(r, depth + 1);
  return o;
}

/** Mostly well-shaped pipeline specs with random leaves, to reach deep code paths. */
function pipelineish(r: () => number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (v: () => unknown) => (r() < 0.6 ? v() : value(r, 3));
  const param = () => ({ name: pick(['a', 'o', 'x', 'A']), value: maybe(() => pick(STRINGS)) });
  const task = () => ({
    name: pick(['a', 'b', 'c', 'f', 'Bad']),
    taskRef: r() < 0.5 ? { name: pick(['t', 'missing', 'git://x']) } : undefined,
    taskSpec: r() < 0.5 ? { params: [{ name: 'x' }], results: [{ name: 'r' }], steps: [{ name: 's', image: 'alpine', script: pick(STRINGS) }] } : undefined,
    params: maybe(() => [param(), param()]),
    runAfter: maybe(() => [pick(['a', 'b', 'c', 'z'])]),
    when: maybe(() => [{ input: pick(STRINGS), operator: pick(['in', 'notin', '==']), values: [pick(STRINGS)] }, { cel: pick(STRINGS) }]),
    matrix: r() < 0.3 ? maybe(() => ({ params: [{ name: 'm', value: maybe(() => ['1', '2']) }], include: [{ name: 'i', params: [param()] }] })) : undefined,
    workspaces: maybe(() => [{ name: 'w', workspace: pick(['w', 'v']), subPath: pick(STRINGS) }]),
    onError: r() < 0.2 ? pick(['continue', 'x']) : undefined,
    retries: r() < 0.2 ? 2 : undefined,
  });
  return {
    params: maybe(() => [{ name: 'a', type: 'array' }, { name: 'o', properties: { k: {} } }, { name: 'x', enum: ['a'] }]),
    workspaces: maybe(() => [{ name: 'w' }, { name: 'v', optional: true }]),
    tasks: maybe(() => [task(), task(), task()]),
    finally: maybe(() => [task()]),
    results: maybe(() => [{ name: 'o', value: pick(STRINGS) }]),
  };
}

describe('pipeline rules on arbitrary shapes', () => {
  it('never crash on mostly well-shaped pipelines (300 random ones)', () => {
    const r = rng(7);
    const files: Record<string, string> = {
      't.yaml': JSON.stringify({ apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 't' }, spec: { params: [{ name: 'x' }], workspaces: [{ name: 'w' }], results: [{ name: 'r' }], steps: [{ name: 's', image: 'alpine' }] } }),
    };
    for (let i = 0; i < 300; i++) {
      const spec = pipelineish(r);
      const doc = i % 2 === 0 ? { apiVersion: 'tekton.dev/v1', kind: 'Pipeline', metadata: { name: `p${i}` }, spec } : { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: `r${i}` }, spec: { params: [{ name: 'a', value: ['x'] }], pipelineSpec: spec } };
      files[`p${i}.yaml`] = JSON.stringify(doc);
    }
    const f = checkFiles(files);
    expect(f.filter((x) => x.code === 'INTERNAL_ERROR')).toEqual([]);
    expect(new Set(f.map((x) => x.code)).size).toBeGreaterThan(20);
  });

  it('never crash (500 random Pipelines, PipelineRuns and TaskRuns)', () => {
    const r = rng(42);
    const files: Record<string, string> = {};
    for (let i = 0; i < 500; i++) {
      const kind = ['Pipeline', 'PipelineRun', 'TaskRun'][i % 3]!;
      const doc = { apiVersion: 'tekton.dev/v1', kind, metadata: { name: `n${i}` }, spec: value(r, 0) };
      files[`f${i}.yaml`] = JSON.stringify(doc);
    }
    const f = checkFiles(files);
    expect(f.filter((x) => x.code === 'INTERNAL_ERROR')).toEqual([]);
  });
});
