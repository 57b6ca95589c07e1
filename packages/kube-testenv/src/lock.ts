import { open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') {
      return { pid: owner.pid, host: owner.host, since: String(owner.since ?? '') };
    }
  } catch {
    // Missing (released meanwhile) or half-written (being created): treat as unknown.
  }
  return undefined;
}

/**
 * Takes an exclusive lock file (O_CREAT|O_EXCL), waiting while another process holds it. A lock
 * left by a dead process on this host is moved aside and taken over. Returns the release function.
 */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const pollMs = opts.pollMs ?? 500;
  const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
  const logEvery = opts.waitLogEveryMs ?? 30_000;
  let lastLog = 0;
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(me));
      } finally {
        await fh.close();
      }
      return async () => {
        const owner = await readOwner(path);
        if (owner?.pid === me.pid && owner.host === me.host) await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PlumbingError('KUBE_LOCK_FAILED', `cannot create lock file ${path}`, { cause: err });
      }
    }
    const owner = await readOwner(path);
    if (owner && owner.host === me.host && !alive(owner.pid)) {
      // Stale: move it aside under a unique name so two waiters cannot both delete a fresh lock.
      const aside = `${path}.stale-${process.pid}-${Date.now()}`;
      try {
        await rename(path, aside);
        await rm(aside, { force: true });
      } catch {
        // Someone else moved it first; just retry.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new PlumbingError('KUBE_LOCK_TIMEOUT', `timed out waiting for lock ${path} held by pid ${owner?.pid ?? '?'}`);
    }
    if (opts.onWait && Date.now() - lastLog >= logEvery) {
      lastLog = Date.now();
      opts.onWait(owner);
    }
    await sleep(pollMs);
  }
}
