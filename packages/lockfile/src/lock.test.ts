import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, tryLock } from './lock.js';

describe('acquireLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plumbing-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder in at a time', async () => {
    const path = join(dir, 'build.lock');
    const events: string[] = [];
    const worker = async (name: string): Promise<void> => {
      const release = await acquireLock(path, { pollMs: 10 });
      events.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name} out`);
      await release();
    };
    await Promise.all([worker('a'), worker('b'), worker('c')]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.replace(' in', '')).toBe(events[i + 1]?.replace(' out', ''));
    }
    expect(events).toHaveLength(6);
  });

  it('records the holder and removes the file on release', async () => {
    const path = join(dir, 'build.lock');
    const release = await acquireLock(path);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await release();
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock left by a dead process on this host', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const path = join(dir, 'build.lock');
    await writeFile(path, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: '' }));
    const release = await acquireLock(path, { pollMs: 10, timeoutMs: 2000 });
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('times out while a live process holds it, saying who', async () => {
    const path = join(dir, 'build.lock');
    await writeFile(path, JSON.stringify({ pid: process.ppid, host: hostname(), since: '' }));
    const waits: number[] = [];
    await expect(acquireLock(path, { pollMs: 10, timeoutMs: 100, waitLogEveryMs: 0, onWait: (o) => waits.push(o?.pid ?? -1) })).rejects.toMatchObject({
      code: 'LOCK_TIMEOUT',
    });
    expect(waits[0]).toBe(process.ppid);
  });
});

describe('tryLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plumbing-trylock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers at once with the live holder instead of waiting', async () => {
    const path = join(dir, 'nested', 'release.lock');
    const first = await tryLock(path);
    expect(first.acquired).toBe(true);
    const second = await tryLock(path);
    expect(second).toMatchObject({ acquired: false, owner: { pid: process.pid, host: hostname() } });
    if (first.acquired) await first.release();
    expect((await tryLock(path)).acquired).toBe(true);
  });

  it('reads the plain-pid lock files of earlier versions and takes over a dead one', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const path = join(dir, 'old.lock');
    await writeFile(path, `${dead.stdout}\n`);
    expect((await tryLock(path)).acquired).toBe(true);
    await writeFile(join(dir, 'live.lock'), String(process.ppid));
    expect(await tryLock(join(dir, 'live.lock'))).toMatchObject({ acquired: false, owner: { pid: process.ppid } });
  });
});
