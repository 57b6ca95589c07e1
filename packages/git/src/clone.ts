import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { Git } from './git.js';

/**
 * A fresh clone with full history and tags (what a release needs for the previous release and
 * the notes), `revision` (branch, tag or commit) checked out detached.
 */
export async function cloneFull(url: string, revision: string, dest: string, env: NodeJS.ProcessEnv = process.env): Promise<Git> {
  await new Git(dirname(dest), env).run(['clone', '--quiet', '--no-checkout', url, dest]);
  const g = new Git(dest, env);
  const sha = (await g.revParse(`origin/${revision}`)) ?? (await g.revParse(revision));
  if (!sha) throw new PlumbingError('GIT', `no branch, tag or commit ${revision} in ${url}`, { hint: 'pass --revision with a branch, tag or commit of the repository' });
  await g.run(['checkout', '--quiet', '--detach', sha]);
  return g;
}

export interface Checkout {
  root: string;
  commit: string;
  cleanup(): Promise<void>;
}

/**
 * A shallow checkout of one revision (branch, tag or commit) in a temp dir:
 * `git init`, `git fetch --depth 1 URL REV`, `git checkout FETCH_HEAD`.
 */
export async function cloneShallow(url: string, revision: string, parent = tmpdir(), prefix = 'plumbing-src-'): Promise<Checkout> {
  const root = await mkdtemp(join(parent, prefix));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const g = new Git(root);
    await g.run(['init', '-q']);
    await g.run(['fetch', '-q', '--depth', '1', url, revision]);
    await g.run(['checkout', '-q', '--detach', 'FETCH_HEAD']);
    const commit = await g.run(['rev-parse', 'HEAD']);
    return { root, commit, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
