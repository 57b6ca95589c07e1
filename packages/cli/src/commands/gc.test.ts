import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

function io(): Io & { out: string; err: string } {
  const o = { out: '', err: '' } as Io & { out: string; err: string };
  Object.assign(o, {
    cwd: process.cwd(),
    env: {},
    stdout: (s: string) => {
      o.out += s;
    },
    stderr: (s: string) => {
      o.err += s;
    },
    isTTY: false,
    signal: new AbortController().signal,
  });
  return o;
}

describe('plumbing gc (usage)', () => {
  it('explains itself with --help', async () => {
    const i = io();
    expect(await main(['gc', '--help'], i)).toBe(0);
    expect(i.out).toContain('Dry by default');
  });

  it('refuses --keep 0 before touching a cluster', async () => {
    const i = io();
    expect(await main(['gc', '-n', 'ci', '--keep', '0'], i)).toBe(2);
    expect(i.err).toContain('--keep must be a whole number ≥ 1');
  });

  it('needs a namespace', async () => {
    const i = io();
    expect(await main(['gc'], i)).toBe(2);
    expect(i.err).toContain('gc needs --namespace');
  });

  it('rejects a malformed --min-age', async () => {
    const i = io();
    expect(await main(['gc', '-n', 'ci', '--min-age', 'three days'], i)).toBe(2);
    expect(i.err).toContain('--min-age "three days": not a duration');
  });
});
