import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BWRAP_PATHS, bwrapArgs, detectSandbox, toHostPath } from './sandbox.js';

const info = { available: true, bwrap: '/usr/bin/bwrap', systemArgs: ['--ro-bind', '/usr', '/usr'] };

describe('bwrapArgs', () => {
  it('binds parents before children, read-only where asked, then chdir and argv', () => {
    const args = bwrapArgs(
      info,
      [
        { target: '/tekton/run/0', source: '/r/run/0', readOnly: false },
        { target: '/tekton', source: '/r', readOnly: false },
        { target: '/tekton/run', source: '/r/run', readOnly: true },
      ],
      { cwd: '/workspace' },
      ['true'],
    );
    const binds = args.filter((_a, i) => args[i - 1] === '--bind' || args[i - 1] === '--ro-bind');
    expect(binds).toEqual(['/usr', '/r', '/r/run', '/r/run/0']);
    expect(args.slice(-4)).toEqual(['--chdir', '/workspace', '--', 'true']);
    expect(args[args.indexOf('/r/run') - 1]).toBe('--ro-bind');
  });
});

describe('toHostPath', () => {
  it('maps through the deepest mount', () => {
    const mounts = [
      { target: '/tekton', source: '/r/tekton', readOnly: false },
      { target: '/workspace/src', source: '/home/me/src', readOnly: false },
    ];
    expect(toHostPath(mounts, '/tekton/results/x')).toBe('/r/tekton/results/x');
    expect(toHostPath(mounts, '/workspace/src/a')).toBe('/home/me/src/a');
    expect(toHostPath(mounts, '/etc/passwd')).toBeUndefined();
  });
});

describe('detectSandbox', () => {
  // The verdict is checked against what bwrap really does here, so a wrong verdict fails either way.
  it('says bubblewrap works exactly when a step really runs inside it, with a reason when it does not', async () => {
    const s = await detectSandbox();
    const installed = BWRAP_PATHS.filter((p) => existsSync(p));
    if (!s.available) {
      expect(s.reason).toMatch(installed.length === 0 ? /not installed/ : /cannot create a namespace/);
      // bwrap is absent, or really refuses to start a namespace here
      if (installed.length > 0) expect(spawnSync(installed[0] as string, [...s.systemArgs, '--unshare-pid', 'true']).status).not.toBe(0);
      return;
    }
    expect(installed).toContain(s.bwrap);
    // a real step: writes through a bound host directory and sees its own pid namespace
    const dir = mkdtempSync(join(tmpdir(), 'plumbing-sandbox-test-'));
    try {
      const args = bwrapArgs(s, [{ target: '/workspace', source: dir, readOnly: false }], { cwd: '/workspace' }, ['/bin/sh', '-c', 'echo $$ > pid && echo hi > out']);
      const r = spawnSync(s.bwrap as string, args, { encoding: 'utf8' });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('hi\n');
      // inside --unshare-pid the shell is one of the first processes of its namespace
      expect(Number(readFileSync(join(dir, 'pid'), 'utf8'))).toBeLessThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
