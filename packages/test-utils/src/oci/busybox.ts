// A static busybox for test images: extracted from Debian's busybox-static package (installing it
// would conflict with the busybox package), downloaded once with `apt-get download` into a cache dir.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Path of a statically linked busybox (cached under ~/.cache/plumbing/tools/busybox-static). */
export function staticBusybox(cacheRoot = join(process.env.PLUMBING_TOOLS_CACHE || join(homedir(), '.cache', 'plumbing', 'tools'))): string {
  const dir = join(cacheRoot, 'busybox-static');
  const bin = join(dir, 'bin', 'busybox');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const download = (): void => {
      execFileSync('apt-get', ['download', '-qq', 'busybox-static'], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
    };
    try {
      download();
    } catch {
      // a fresh machine has no package lists yet
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
      download();
    }
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download busybox-static produced no .deb');
    execFileSync('dpkg-deb', ['-x', join(tmp, deb), join(tmp, 'root')]);
    mkdirSync(join(tmp, 'out', 'bin'), { recursive: true });
    renameSync(join(tmp, 'root', 'bin', 'busybox'), join(tmp, 'out', 'bin', 'busybox'));
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'out'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}
