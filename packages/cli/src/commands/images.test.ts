import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

function io(env: NodeJS.ProcessEnv = {}): Io & { out: string; err: string } {
  const o = { out: '', err: '' } as Io & { out: string; err: string };
  Object.assign(o, {
    cwd: process.cwd(),
    env,
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

describe('plumbing images (no registry)', () => {
  it('explains itself with --help', async () => {
    const i = io();
    expect(await main(['images', '--help'], i)).toBe(0);
    expect(i.out).toContain('plumbing images [list | pull REF | prune]');
  });

  it('lists an empty cache as text and as JSON', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-images-'));
    const text = io({ PLUMBING_CACHE: cache });
    expect(await main(['images'], text)).toBe(0);
    expect(text.out).toBe('no cached images\n');
    const json = io({ PLUMBING_CACHE: cache });
    expect(await main(['images', 'list', '--format', 'json'], json)).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ cache: join(cache, 'oci'), images: [] });
  });

  it('plans a prune of nothing', async () => {
    const i = io({ PLUMBING_CACHE: mkdtempSync(join(tmpdir(), 'cli-images-')) });
    expect(await main(['images', 'prune', '--dry-run', '--format', 'json'], i)).toBe(0);
    expect(JSON.parse(i.out)).toMatchObject({ dryRun: true, images: [], blobs: 0 });
  });

  it('refuses an unknown subcommand, a bad age and a bad reference as usage errors', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-images-'));
    const a = io({ PLUMBING_CACHE: cache });
    expect(await main(['images', 'frobnicate'], a)).toBe(2);
    const b = io({ PLUMBING_CACHE: cache });
    expect(await main(['images', 'prune', '--older-than', 'soon'], b)).toBe(2);
    const c = io({ PLUMBING_CACHE: cache });
    expect(await main(['images', 'pull', 'UPPER/case'], c)).toBe(1);
    expect(c.err).toContain('invalid image reference "UPPER/case"');
  });
});
