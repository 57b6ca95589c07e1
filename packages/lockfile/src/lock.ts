import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlumbingError } from '@plumbing/model';

/** Who holds a lock file: written into it by the holder. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface LockOptions {
  /** How often to retry while another process holds the lock. */
  readonly pollMs?: number;
  /** Give up after this long (default: one hour, longer than any build). */
  readonly timeoutMs?: number;
  /** Called once when the lock is busy, then every `waitLogEveryMs`. */
  readonly onWait?: (owner: LockOwner | undefined) => void;
  readonly waitLogEveryMs?: number;
}

/** The answer of one attempt: the release function, or who holds the lock (unknown while it is being written). */
export type LockAttempt = { readonly acquired: true; readonly release: () => Promise<void> } | { readonly acquired: false; readonly owner: LockOwner | undefined };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // released meanwhile
  }
  // Lock files of earlier versions hold just the pid of a process on this host.
  if (/^\s*\d+\s*$/.test(text)) return { pid: Number(text), host: hostname(), since: '' };
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') {
      return { pid: owner.pid, host: owner.host, since: String(owner.since ?? '') };
    }
  } catch {
    // Half-written (being created): unknown.
  }
  return undefined;
}

/** Moves a lock left by a dead process on this host aside; true when it did (or someone else did). */
async function clearStale(path: string, owner: LockOwner | undefined): Promise<boolean> {
  if (!owner || owner.host !== hostname() || alive(owner.pid)) return false;
  // A unique name, so that two waiters cannot both delete a fresh lock.
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
    await rm(aside, { force: true });
  } catch {
    // Someone else moved it first.
  }
  return true;
}

/**
 * One attempt at an exclusive lock file (O_CREAT|O_EXCL), creating its directory. A lock left by
 * a dead process on this host is taken over; a live holder is returned instead of waiting.
 */
export async function tryLock(path: string): Promise<LockAttempt> {
  await mkdir(dirname(path), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(me));
      } finally {
        await fh.close();
      }
      const release = async (): Promise<void> => {
        const owner = await readOwner(path);
        if (owner?.pid === me.pid && owner.host === me.host) await rm(path, { force: true });
      };
      return { acquired: true, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PlumbingError('LOCK_FAILED', `cannot create lock file ${path}`, { cause: err });
      }
    }
    const owner = await readOwner(path);
    if (!(await clearStale(path, owner))) return { acquired: false, owner };
  }
}

/** Takes the lock, waiting while another process holds it. Returns the release function. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const pollMs = opts.pollMs ?? 500;
  const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
  const logEvery = opts.waitLogEveryMs ?? 30_000;
  let lastLog = Number.NEGATIVE_INFINITY;
  for (;;) {
    const attempt = await tryLock(path);
    if (attempt.acquired) return attempt.release;
    if (Date.now() > deadline) {
      throw new PlumbingError('LOCK_TIMEOUT', `timed out waiting for lock ${path} held by pid ${attempt.owner?.pid ?? '?'}`, {
        hint: `if no such process is running, remove ${path}`,
      });
    }
    if (opts.onWait && Date.now() - lastLog >= logEvery) {
      lastLog = Date.now();
      opts.onWait(attempt.owner);
    }
    await sleep(pollMs);
  }
}
