import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE } from '@plumbing/model';

/** The repository root: the nearest ancestor with `.plumbing.yaml`, else with `.git`, else `cwd`. */
export function findRoot(cwd: string): string {
  const start = resolve(cwd);
  for (const marker of [CONFIG_FILE, '.git']) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, marker))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return start;
}
