import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlumbingError } from '@plumbing/model';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One release of a version at a time on this machine: a lock file holding the pid, taken over
 * when its holder is dead. (Across machines, the draft step keeps the lowest-id draft.)
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new PlumbingError('RELEASE_LOCKED', `another release of ${what} is running (pid ${holder})`, { hint: `wait for it to finish; if it is gone, remove ${path}` });
      }
      await rm(path, { force: true });
    }
  }
  throw new PlumbingError('RELEASE_LOCKED', `could not take the lock ${path}`, { hint: 're-run' });
}
