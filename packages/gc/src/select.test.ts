import type { KubeObject } from '@plumbing/kube';
import { describe, expect, it } from 'vitest';
import { planGc } from './select.js';

const now = new Date('2026-11-20T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

function pr(name: string, pipeline: string, done: number | 'running', extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name, namespace: 'ci', labels: { 'tekton.dev/pipeline': pipeline }, creationTimestamp: hoursAgo(typeof done === 'number' ? done + 1 : 1), ...extra },
    spec: { pipelineRef: { name: pipeline } },
    status:
      done === 'running'
        ? { conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running' }] }
        : { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], completionTime: hoursAgo(done) },
  };
}

const decisions = (runs: KubeObject[], keep = 2, minAgeH = 0) =>
  planGc(runs, { keep, minAgeMs: minAgeH * 3_600_000, now }).map((d) => `${d.name}:${d.action}:${d.reason}`);

describe('planGc', () => {
  it('keeps the newest N finished runs of each pipeline and deletes the older ones', () => {
    const runs = [pr('a1', 'a', 10), pr('a2', 'a', 20), pr('a3', 'a', 30), pr('b1', 'b', 50)];
    expect(decisions(runs)).toEqual(['a1:keep:newest', 'a2:keep:newest', 'a3:delete:old', 'b1:keep:newest']);
  });

  it('never deletes a running run, and does not count it among the kept', () => {
    const runs = [pr('r', 'a', 'running'), pr('a1', 'a', 10), pr('a2', 'a', 20), pr('a3', 'a', 30)];
    expect(decisions(runs, 1)).toEqual(['a1:keep:newest', 'a2:delete:old', 'a3:delete:old', 'r:keep:running']);
  });

  it('treats a run without completion time as running', () => {
    const odd = pr('x', 'a', 40);
    delete (odd.status as { completionTime?: string }).completionTime;
    expect(decisions([pr('a1', 'a', 10), odd], 1)).toEqual(['a1:keep:newest', 'x:keep:running']);
  });

  it('keeps runs completed less than min-age ago', () => {
    const runs = [pr('a1', 'a', 1), pr('a2', 'a', 2), pr('a3', 'a', 100)];
    expect(decisions(runs, 1, 72)).toEqual(['a1:keep:newest', 'a2:keep:too-recent', 'a3:delete:old']);
  });

  it('keeps a run annotated plumbing.dev/gc: keep', () => {
    const runs = [pr('a1', 'a', 1), pr('a2', 'a', 2, { annotations: { 'plumbing.dev/gc': 'keep' } })];
    expect(decisions(runs, 1)).toEqual(['a1:keep:newest', 'a2:keep:opted-out']);
  });

  it('leaves TaskRuns owned by a PipelineRun to their owner', () => {
    const tr: KubeObject = { ...pr('t', 'a', 100), kind: 'TaskRun', metadata: { name: 't', namespace: 'ci', labels: { 'tekton.dev/pipelineRun': 'a1', 'tekton.dev/task': 'x' } } };
    expect(decisions([tr], 1)).toEqual([]);
  });

  it('refuses keep 0', () => {
    expect(() => planGc([], { keep: 0, minAgeMs: 0, now })).toThrow(RangeError);
  });
});
