import { tryLock } from '@plumbing/lockfile';
import { PlumbingError } from '@plumbing/model';

/**
 * One release of a version at a time on this machine: the lock file names its holder and is taken
 * over when the holder is dead. (Across machines, the draft step keeps the lowest-id draft.)
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  const attempt = await tryLock(path);
  if (attempt.acquired) return attempt.release;
  const holder = attempt.owner ? `pid ${attempt.owner.pid} on ${attempt.owner.host}` : 'a process that is starting';
  throw new PlumbingError('RELEASE_LOCKED', `another release of ${what} is running (${holder})`, {
    hint: `wait for it to finish; if it is gone, remove ${path}`,
  });
}
