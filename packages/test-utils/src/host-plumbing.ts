// Tasks that run in this project's CLI image (images/plumbing/Dockerfile) call `plumbing`. The
// local executor runs steps on the host, so the CLI must be installed there as the image installs
// it: images/plumbing/install-host.sh. This refreshes that install when it is missing or older
// than the built packages (as root, which CI is), so the tests run today's CLI.
import { execFile } from 'node:child_process';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './plumbing-run.js';

const BUNDLE = '/usr/local/lib/plumbing/plumbing.mjs';

async function mtime(p: string): Promise<number> {
  try {
    return (await stat(p)).mtimeMs;
  } catch {
    return 0;
  }
}

const LOCK = '/tmp/plumbing-install-host.lock';

/** One install at a time across test processes (mkdir is atomic); a lock older than 5 minutes is stale. */
async function withLock(fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      if (Date.now() - (await mtime(LOCK)) > 300_000) await rmdir(LOCK).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await fn();
  } finally {
    await rmdir(LOCK).catch(() => undefined);
  }
}

export async function ensureHostPlumbing(): Promise<void> {
  await withLock(ensureUnlocked);
}

async function ensureUnlocked(): Promise<void> {
  const built = Math.max(...(await Promise.all(['cli', 'model', 'executor'].map((p) => mtime(join(REPO_ROOT, 'packages', p, 'dist', 'index.js'))))));
  const installed = await mtime(BUNDLE);
  if (installed >= built && (await mtime('/usr/local/bin/plumbing')) > 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the plumbing CLI is not installed on this host (or is older than the build): run images/plumbing/install-host.sh as root`);
  }
  await promisify(execFile)(join(REPO_ROOT, 'images', 'plumbing', 'install-host.sh'), [], { cwd: REPO_ROOT });
}
