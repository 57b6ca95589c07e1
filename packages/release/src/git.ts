import { execFile, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { PlumbingError } from '@plumbing/model';

/** The one port to git (the CLI, as child processes): reads only, except `archive` into a temp dir. */
export class Git {
  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Runs git; resolves to stdout (trimmed at the end only). */
  run(args: string[], opts: { encoding?: 'buffer' } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', args, { cwd: this.dir, env: this.env, maxBuffer: 256 * 1024 * 1024, encoding: opts.encoding === 'buffer' ? 'buffer' : 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new PlumbingError('GIT', `git ${args[0]} failed: ${String(stderr).trim() || err.message}`, { cause: err }));
        else resolve(String(stdout).replace(/\s+$/, ''));
      });
    });
  }

  async tryRun(args: string[]): Promise<string | undefined> {
    try {
      return await this.run(args);
    } catch {
      return undefined;
    }
  }

  /** The commit a ref names, or undefined. */
  revParse(ref: string): Promise<string | undefined> {
    return this.tryRun(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  }

  async isAncestor(ancestor: string, of: string): Promise<boolean> {
    return (await this.tryRun(['merge-base', '--is-ancestor', ancestor, of])) !== undefined;
  }

  /** `git status --porcelain` lines, untracked files included (ignored files are not). */
  async dirtyFiles(): Promise<string[]> {
    const out = await this.run(['status', '--porcelain', '--untracked-files=normal']);
    return out === '' ? [] : out.split('\n');
  }

  /** Tags whose commit is reachable from `sha`. */
  async tagsMerged(sha: string): Promise<string[]> {
    const out = await this.run(['tag', '--merged', sha]);
    return out === '' ? [] : out.split('\n');
  }

  async allTags(): Promise<string[]> {
    const out = await this.run(['tag', '--list']);
    return out === '' ? [] : out.split('\n');
  }

  /** Commits in `from..to` (all of `to`'s history when `from` is undefined), newest first. */
  async revList(to: string, from?: string): Promise<string[]> {
    const out = await this.run(['rev-list', from ? `${from}..${to}` : to]);
    return out === '' ? [] : out.split('\n');
  }

  /** Subjects of the commits in `from..to`, newest first (for notes when GitHub cannot be read). */
  async subjects(to: string, from?: string): Promise<{ sha: string; subject: string; author: string }[]> {
    const out = await this.run(['log', '--format=%H%x09%an%x09%s', from ? `${from}..${to}` : to]);
    if (out === '') return [];
    return out.split('\n').map((l) => {
      const [sha = '', author = '', ...rest] = l.split('\t');
      return { sha, author, subject: rest.join('\t') };
    });
  }

  async subject(sha: string): Promise<string> {
    return this.run(['log', '-1', '--format=%s', sha]);
  }

  /** Files under `paths` at `sha` (repository-relative, sorted). */
  async lsTree(sha: string, paths: string[]): Promise<string[]> {
    const out = await this.run(['ls-tree', '-r', '--name-only', '--full-tree', sha, '--', ...paths]);
    return out === '' ? [] : out.split('\n').sort();
  }

  /** A file's bytes at `sha`, or undefined when it is not there. */
  async show(sha: string, path: string): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      execFile('git', ['show', `${sha}:${path}`], { cwd: this.dir, env: this.env, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout));
    });
  }

  /** Extracts the tree of `sha` into `dest` (git archive | tar -x): the repository as it was at that commit. */
  archive(sha: string, dest: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const g = spawn('git', ['archive', '--format=tar', sha], { cwd: this.dir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const t = spawn('tar', ['-x', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
      g.stdout.pipe(t.stdin);
      let err = '';
      g.stderr.on('data', (d) => {
        err += String(d);
      });
      t.stderr.on('data', (d) => {
        err += String(d);
      });
      const closed = (p: ReturnType<typeof spawn>) => new Promise<number | null>((r) => p.on('close', r));
      Promise.all([closed(g), closed(t)]).then(([gc, tc]) => {
        if (gc === 0 && tc === 0) resolve();
        else reject(new PlumbingError('GIT', `git archive ${sha.slice(0, 7)} failed: ${err.trim()}`));
      }, reject);
    });
  }

  /** The URL of a remote, or undefined. */
  remoteUrl(remote: string): Promise<string | undefined> {
    return this.tryRun(['remote', 'get-url', remote]);
  }
}

/**
 * A fresh clone for a release run from nowhere in particular (the nightly pod): full history and
 * tags (the previous release and the notes need them), `revision` checked out.
 */
export async function cloneForRelease(url: string, revision: string, dest: string, env: NodeJS.ProcessEnv = process.env): Promise<Git> {
  const parent = new Git(dirname(dest), env);
  await parent.run(['clone', '--quiet', '--no-checkout', url, dest]);
  const g = new Git(dest, env);
  const sha = (await g.revParse(`origin/${revision}`)) ?? (await g.revParse(revision));
  if (!sha) throw new PlumbingError('GIT', `no branch, tag or commit ${revision} in ${url}`, { hint: 'pass --revision with a branch, tag or commit of the repository' });
  await g.run(['checkout', '--quiet', '--detach', sha]);
  return g;
}
