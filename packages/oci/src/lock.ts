/**
 * A lock file (O_CREAT|O_EXCL) so that concurrent pulls of one image, from any process, do the
 * work once: the others wait, then find it done. A lock left by a dead process is taken over.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlumbingError } from '@plumbing/model';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock, waiting for another holder; `onWait` is called once if it has to wait. Returns the release. */
export async function lockFile(path: string, onWait?: (pid: number | undefined) => void, timeoutMs = 3_600_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new PlumbingError('OCI_LOCK_FAILED', `cannot create lock file ${path}`, { cause: err });
    }
    const pid = await holder(path);
    if (pid !== undefined && pid !== process.pid && !alive(pid)) {
      const aside = `${path}.stale-${process.pid}`;
      await rename(path, aside).then(
        () => rm(aside, { force: true }),
        () => undefined,
      );
      continue;
    }
    if (Date.now() > deadline) throw new PlumbingError('OCI_LOCK_TIMEOUT', `timed out waiting for lock ${path} held by pid ${pid ?? '?'}`);
    if (!told) onWait?.(pid);
    told = true;
    await sleep(100);
  }
}
