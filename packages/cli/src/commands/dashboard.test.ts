// plumbing dashboard export: a real SQLite store written through serve's Store, exported to a
// temp dir; the pages are read back from disk.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type RunRow, Store } from '@plumbing/serve';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { dashboardCommand } from './dashboard.js';

function io(cwd: string): Io & { out: string[] } {
  const out: string[] = [];
  return { cwd, out, stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), signal: new AbortController().signal } as unknown as Io & { out: string[] };
}

const run = (name: string, over: Partial<RunRow> = {}): RunRow => ({
  name, namespace: 'ci', kind: 'release', resourceKind: 'PipelineRun', job: 'release', repository: 'acme/widgets', pullRequest: null, sha: null, event: 'push', deliveryId: null,
  actor: 'octocat', triggerName: null, supersedeKey: null, private: false, state: 'failed', reason: 'Failed', message: 'm', created: '2026-12-07T10:00:00.000Z',
  started: '2026-12-07T10:00:01.000Z', finished: '2026-12-07T10:02:00.000Z', owner: null, recordDir: null, resource: { spec: {} }, status: null, ...over,
});

describe('plumbing dashboard export', () => {
  it('writes the index, each public run and its step logs with relative links; private runs are not written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-export-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, '.plumbing/logs'), { recursive: true });
    writeFileSync(join(root, '.plumbing/logs/publish.log'), 'pushing\n\x1b[31merror\x1b[0m: 401 from the registry\n');
    const store = new Store(await openDb(join(root, '.plumbing/serve.db')));
    await store.migrate();
    await store.insertRun(run('rel-1'));
    await store.insertRun(run('secret-1', { repository: 'acme/private', private: true }));
    await store.upsertTaskRun({ runName: 'rel-1', name: 'rel-1-publish', pipelineTask: 'publish', state: 'failed', started: null, finished: null });
    await store.upsertStep({ runName: 'rel-1', taskRun: 'rel-1-publish', name: 'push', state: 'failed', logPath: '.plumbing/logs/publish.log', exitCode: 1, started: null, finished: null });
    await store.close();
    const o = io(root);
    expect(await dashboardCommand(['export', 'site', '--format', 'json'], o)).toBe(0);
    expect(JSON.parse(o.out.join(''))).toEqual({ dir: join(root, 'site'), runs: 1, logs: 1 });
    const index = readFileSync(join(root, 'site/index.html'), 'utf8');
    expect(index).toContain('href="runs/rel-1/index.html"');
    expect(index).not.toMatch(/secret-1|<script|href="\//);
    expect(existsSync(join(root, 'site/runs/secret-1'))).toBe(false);
    const page = readFileSync(join(root, 'site/runs/rel-1/index.html'), 'utf8');
    expect(page).toContain('href="../../runs/rel-1/logs/publish/push.html"');
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/(href|src)="\//);
    const log = readFileSync(join(root, 'site/runs/rel-1/logs/publish/push.html'), 'utf8');
    expect(log).toContain('<span class="l" id="L2"><a class="n" href="#L2" aria-label="line 2">2</a><span class="f1">error</span>: 401 from the registry</span>');
    expect(readFileSync(join(root, 'site/runs/rel-1/logs/publish/push.log'), 'utf8')).toContain('401 from the registry');
  });

  it('says how to call it', async () => {
    const o = io(tmpdir());
    expect(await dashboardCommand(['--help'], o)).toBe(0);
    expect(o.out.join('')).toContain('Usage: plumbing dashboard export DIR');
    await expect(dashboardCommand(['publish', 'x'], o)).rejects.toThrow('expected: plumbing dashboard export DIR');
  });
});
