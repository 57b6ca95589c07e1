import { describe, expect, it } from 'vitest';
import { bwrapArgs, detectSandbox, toHostPath } from './sandbox.js';

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
  it('says whether bubblewrap works here, with a reason when it does not', async () => {
    const s = await detectSandbox();
    if (s.available) expect(s.bwrap).toMatch(/bwrap$/);
    else expect(s.reason).toBeTruthy();
  });
});
