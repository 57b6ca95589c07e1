import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { logsCommand } from './logs.js';
import { runsCommand } from './runs.js';

/** A repository with two records written in the on-disk format plumbing run writes (run.json, status.json, <taskrun>/<step>.log). */
function repoWithRecords(): string {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-runs-'));
  mkdirSync(join(root, '.git'));
  const rec = (name: string, kind: string, status: unknown, logs: Record<string, string>) => {
    const dir = join(root, '.plumbing', 'runs', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ apiVersion: 'tekton.dev/v1', kind, metadata: { name, namespace: 'default', uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: {}, plumbing: { pid: 0, files: [], hostDirs: {} } }));
    writeFileSync(join(dir, 'status.json'), JSON.stringify(status));
    for (const [f, t] of Object.entries(logs)) {
      mkdirSync(join(dir, f.split('/')[0]!), { recursive: true });
      writeFileSync(join(dir, f), t);
    }
  };
  rec(
    'build-abcde',
    'PipelineRun',
    {
      conditions: [{ type: 'Succeeded', status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0' }],
      startTime: '2026-01-02T10:00:00Z',
      completionTime: '2026-01-02T10:01:05Z',
      childReferences: [
        { kind: 'TaskRun', name: 'build-abcde-fetch', pipelineTaskName: 'fetch' },
        { kind: 'TaskRun', name: 'build-abcde-test', pipelineTaskName: 'test' },
      ],
      results: [],
      skippedTasks: [],
      taskRuns: [],
    },
    { 'build-abcde-fetch/clone.log': 'cloned\n', 'build-abcde-test/unit.log': 'ok 1\nnot ok 2\n' },
  );
  rec('hello', 'TaskRun', { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], podName: '', startTime: '2026-01-01T09:00:00Z', completionTime: '2026-01-01T09:00:01Z', steps: [], results: [] }, { 'hello/say.log': 'hi\n' });
  return root;
}

function io(cwd: string) {
  const out = { stdout: '', stderr: '' };
  const theIo: Io = { cwd, env: {}, stdout: (s) => (out.stdout += s), stderr: (s) => (out.stderr += s), isTTY: false, signal: new AbortController().signal };
  return { io: theIo, out };
}

describe('plumbing runs', () => {
  it('lists records newest first with kind, status, reason, start and duration', async () => {
    const root = repoWithRecords();
    const { io: theIo, out } = io(join(root));
    expect(await runsCommand([], theIo)).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s{2,}/))).toEqual([
      ['NAME', 'KIND', 'STATUS', 'REASON', 'STARTED', 'DURATION'],
      ['build-abcde', 'PipelineRun', 'Failed', 'Failed', '2026-01-02T10:00:00Z', '1m05s'],
      ['hello', 'TaskRun', 'Succeeded', 'Succeeded', '2026-01-01T09:00:00Z', '1.0s'],
    ]);
  });

  it('prints JSON with --format json', async () => {
    const { io: theIo, out } = io(repoWithRecords());
    expect(await runsCommand(['--format', 'json'], theIo)).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      expect.objectContaining({ name: 'build-abcde', kind: 'PipelineRun', succeeded: 'False', reason: 'Failed', durationMs: 65000, inProgress: false }),
      expect.objectContaining({ name: 'hello', kind: 'TaskRun', succeeded: 'True', reason: 'Succeeded', durationMs: 1000 }),
    ]);
  });
});

describe('plumbing logs', () => {
  it('prints every step log of a run, prefixed [task/step], in run order', async () => {
    const { io: theIo, out } = io(repoWithRecords());
    expect(await logsCommand(['build-abcde'], theIo)).toBe(0);
    expect(out.stdout).toBe('[fetch/clone] cloned\n[test/unit] ok 1\n[test/unit] not ok 2\n');
  });

  it('filters by --task and --step, and takes "last" for the newest run', async () => {
    const root = repoWithRecords();
    const a = io(root);
    expect(await logsCommand(['last', '--task', 'test', '--step', 'unit'], a.io)).toBe(0);
    expect(a.out.stdout).toBe('[test/unit] ok 1\n[test/unit] not ok 2\n');
    const b = io(root);
    expect(await logsCommand(['hello', '--step', 'nope'], b.io)).toBe(1);
  });

  it('fails for an unknown run (exit 1) and without RUN (exit 2)', async () => {
    const root = repoWithRecords();
    await expect(logsCommand(['nope'], io(root).io)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', exitCode: 1 });
    await expect(logsCommand([], io(root).io)).rejects.toMatchObject({ exitCode: 2 });
  });
});
