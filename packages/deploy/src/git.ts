import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PlumbingError } from '@plumbing/model';

const run = promisify(execFile);

/** A URL as it may be shown: user and password (a token) removed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

async function git(args: string[], cwd: string, shownUrl?: [string, string]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (e) {
    const raw = e instanceof Error ? ((e as { stderr?: string }).stderr || e.message) : String(e);
    const msg = shownUrl ? raw.split(shownUrl[0]).join(shownUrl[1]) : raw;
    const shownArgs = args.map((a) => (shownUrl && a === shownUrl[0] ? shownUrl[1] : a));
    throw new PlumbingError('GIT_FAILED', `git ${shownArgs.join(' ')}: ${msg.trim().split('\n').slice(-1)[0]}`);
  }
}

export interface Checkout {
  root: string;
  commit: string;
  cleanup(): Promise<void>;
}

/**
 * A shallow checkout of one revision (branch, tag or commit) in a temp dir, with the git CLI:
 * `git init`, `git fetch --depth 1 URL REV`, `git checkout FETCH_HEAD`. Credentials in the URL
 * never reach a message.
 */
export async function cloneRevision(url: string, revision: string, parent = tmpdir()): Promise<Checkout> {
  const root = await mkdtemp(join(parent, 'plumbing-deploy-src-'));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const shown: [string, string] = [url, redactUrl(url)];
    await git(['init', '-q'], root);
    await git(['fetch', '-q', '--depth', '1', url, revision], root, shown);
    await git(['checkout', '-q', '--detach', 'FETCH_HEAD'], root);
    const commit = await git(['rev-parse', 'HEAD'], root);
    return { root, commit, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The commit of a working tree, when it is a clean git checkout (a dirty tree has no commit that describes it). */
export async function headCommit(root: string): Promise<string | undefined> {
  try {
    const commit = await git(['rev-parse', 'HEAD'], root);
    const dirty = await git(['status', '--porcelain'], root);
    return dirty ? undefined : commit;
  } catch {
    return undefined;
  }
}

/** The commit a branch or tag of a remote points at now (`git ls-remote`); undefined for a commit SHA or an unknown ref. */
export async function remoteHead(url: string, revision: string): Promise<string | undefined> {
  if (/^[0-9a-f]{40}$/.test(revision)) return undefined;
  const out = await git(['ls-remote', url, revision, `refs/heads/${revision}`, `refs/tags/${revision}`], process.cwd(), [url, redactUrl(url)]);
  const line = out.split('\n').find((l) => l.endsWith(`refs/heads/${revision}`) || l.endsWith(`refs/tags/${revision}`) || l.endsWith(`\t${revision}`));
  return line?.split('\t')[0] || undefined;
}
