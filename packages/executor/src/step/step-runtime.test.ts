import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStepProcess } from './step-runtime.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbing-step-runtime-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const base = () => ({ env: { PATH: '/usr/bin:/bin' }, cwd: dir, signal: new AbortController().signal });

describe('runStepProcess', () => {
  it('returns the exit code and writes both streams to the log and to events', async () => {
    const out: string[] = [];
    const o = await runStepProcess({ ...base(), file: '/bin/sh', args: ['-c', 'echo out; echo err >&2; exit 4'], logPath: join(dir, 'a.log'), onOutput: (s, t) => out.push(`${s}:${t.trim()}`) });
    expect(o).toEqual({ exitCode: 4, timedOut: false, aborted: false });
    expect((await readFile(join(dir, 'a.log'), 'utf8')).split('\n').sort()).toEqual(['', 'err', 'out']);
    expect(out.sort()).toEqual(['stderr:err', 'stdout:out']);
  });
  it('kills the whole process group on the step timeout, background jobs included', async () => {
    const o = await runStepProcess({ ...base(), file: '/bin/sh', args: ['-c', 'sleep 30 & sleep 30'], logPath: join(dir, 'b.log'), timeoutMs: 200 });
    expect(o.timedOut).toBe(true);
  });
  it('kills on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const o = await runStepProcess({ ...base(), signal: ac.signal, file: '/bin/sh', args: ['-c', 'sleep 30'], logPath: join(dir, 'c.log') });
    expect(o.aborted).toBe(true);
  });
  it('reports a command that cannot be started', async () => {
    const o = await runStepProcess({ ...base(), file: '/nonexistent/tool', args: [], logPath: join(dir, 'd.log') });
    expect(o.exitCode).toBe(127);
    expect(o.spawnError).toMatch(/ENOENT/);
  });
  it('tees stdout to the stdoutConfig path', async () => {
    await runStepProcess({ ...base(), file: '/bin/sh', args: ['-c', 'echo teed'], logPath: join(dir, 'e.log'), stdoutPath: join(dir, 'e.out') });
    expect(await readFile(join(dir, 'e.out'), 'utf8')).toBe('teed\n');
  });
});
