import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRunRecords, printRunLogs, type RunRecordMeta, runDirOf, writeRunMeta, writeRunStatus } from './record.js';

function meta(name: string, kind: 'TaskRun' | 'PipelineRun', pid = process.pid): RunRecordMeta {
  return { apiVersion: 'tekton.dev/v1', kind, metadata: { name, namespace: 'default', uid: 'u', creationTimestamp: '2026-01-01T00:00:00.000Z' }, spec: {}, plumbing: { pid, files: [], hostDirs: {} } };
}

const done = (status: 'True' | 'False', reason: string, start: string, end: string) => ({
  conditions: [{ type: 'Succeeded' as const, status, reason, message: reason }],
  podName: '',
  startTime: start,
  completionTime: end,
  steps: [],
  results: [],
});

describe('listRunRecords', () => {
  it('lists runs newest first with status, reason and duration', () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-rec-'));
    writeRunMeta(runDirOf(root, 'old'), meta('old', 'TaskRun'));
    writeRunStatus(runDirOf(root, 'old'), done('True', 'Succeeded', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.000Z'));
    writeRunMeta(runDirOf(root, 'new'), meta('new', 'TaskRun'));
    writeRunStatus(runDirOf(root, 'new'), done('False', 'StepFailed', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:01.500Z'));
    expect(listRunRecords(root).map((r) => [r.name, r.kind, r.succeeded, r.reason, r.durationMs, r.inProgress])).toEqual([
      ['new', 'TaskRun', 'False', 'StepFailed', 1500, false],
      ['old', 'TaskRun', 'True', 'Succeeded', 2000, false],
    ]);
  });

  it('shows a run whose process is gone before it finished as Interrupted', () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-rec-'));
    writeRunMeta(runDirOf(root, 'x'), meta('x', 'TaskRun', 2 ** 22 + 12345));
    writeRunStatus(runDirOf(root, 'x'), { conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running' }], podName: '', startTime: '2026-01-01T00:00:00.000Z', steps: [], results: [] });
    expect(listRunRecords(root)[0]).toMatchObject({ name: 'x', succeeded: 'Unknown', reason: 'Interrupted', inProgress: false });
  });
});

describe('printRunLogs', () => {
  it('prints step logs in run order, prefixed, filtered by task and step', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-rec-'));
    const dir = runDirOf(root, 'pr');
    writeRunMeta(dir, meta('pr', 'PipelineRun'));
    writeRunStatus(dir, {
      conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }],
      childReferences: [
        { kind: 'TaskRun', name: 'pr-b', pipelineTaskName: 'b' },
        { kind: 'TaskRun', name: 'pr-a', pipelineTaskName: 'a' },
      ],
      results: [],
      skippedTasks: [],
      taskRuns: [{ name: 'pr-b', pipelineTaskName: 'b', status: { ...done('True', 'Succeeded', '', ''), steps: [{ name: 's2', container: 'step-s2' }, { name: 's1', container: 'step-s1' }] } }],
    });
    for (const [tr, step, text] of [['pr-a', 'one', 'a1\n'], ['pr-b', 's1', 'b-s1\nno newline'], ['pr-b', 's2', 'b-s2\n']] as const) {
      mkdirSync(join(dir, tr), { recursive: true });
      writeFileSync(join(dir, tr, `${step}.log`), text);
    }
    const all: string[] = [];
    await printRunLogs(root, 'pr', { write: (s) => all.push(s) });
    expect(all.join('')).toBe('[b/s2] b-s2\n[b/s1] b-s1\n[b/s1] no newline\n[a/one] a1\n');
    const some: string[] = [];
    const r = await printRunLogs(root, 'pr', { write: (s) => some.push(s), task: 'b', step: 's1' });
    expect(r.found).toBe(1);
    expect(some.join('')).toBe('[b/s1] b-s1\n[b/s1] no newline\n');
  });

  it('follows a run in progress until its status is final', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-rec-'));
    const dir = runDirOf(root, 'tr');
    writeRunMeta(dir, meta('tr', 'TaskRun'));
    writeRunStatus(dir, { conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running' }], podName: '', steps: [], results: [] });
    mkdirSync(join(dir, 'tr'));
    writeFileSync(join(dir, 'tr', 'step.log'), 'first\n');
    const got: string[] = [];
    let polls = 0;
    const following = printRunLogs(root, 'tr', {
      follow: true,
      pollMs: 5,
      write: (s) => {
        got.push(s);
        if (s.includes('first')) {
          appendFileSync(join(dir, 'tr', 'step.log'), 'second\n');
          polls++;
        }
        if (s.includes('second')) writeRunStatus(dir, done('True', 'Succeeded', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'));
      },
    });
    await following;
    expect(polls).toBe(1);
    expect(got.join('')).toBe('[tr/step] first\n[tr/step] second\n');
  });
});
