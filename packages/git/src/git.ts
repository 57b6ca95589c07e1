import { execFile, spawn } from 'node:child_process';
import { PlumbingError } from '@plumbing/model';

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

/** Credentials in any URL of a text (an argument list, git's stderr) removed. */
function redactText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1');
}

const MAX_BUFFER = 256 * 1024 * 1024;

/**
 * The one port to git: the git CLI as child processes in one directory. Errors are PlumbingErrors
 * with code GIT, naming the command and git's last line of stderr; credentials in URLs never
 * reach a message. Never prompts (GIT_TERMINAL_PROMPT=0).
 */
export class Git {
  private readonly env: NodeJS.ProcessEnv;
  constructor(
    readonly dir: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.env = { ...env, GIT_TERMINAL_PROMPT: '0' };
  }

  /** Runs git; resolves to stdout (trimmed at the end only). */
  run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', args, { cwd: this.dir, env: this.env, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout.replace(/\s+$/, ''));
        const why = redactText(stderr.trim() || err.message).split('\n').slice(-1)[0];
        reject(new PlumbingError('GIT', `git ${redactText(args.join(' '))} failed: ${why}`, { cause: err }));
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

  private async lines(args: string[]): Promise<string[]> {
    const out = await this.run(args);
    return out === '' ? [] : out.split('\n');
  }

  /** The commit a ref names, or undefined. */
  revParse(ref: string): Promise<string | undefined> {
    return this.tryRun(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  }

  async isAncestor(ancestor: string, of: string): Promise<boolean> {
    return (await this.tryRun(['merge-base', '--is-ancestor', ancestor, of])) !== undefined;
  }

  /** `git status --porcelain` lines, untracked files included (ignored files are not). */
  dirtyFiles(): Promise<string[]> {
    return this.lines(['status', '--porcelain', '--untracked-files=normal']);
  }

  /** The commit of HEAD when the working tree is clean (a dirty tree has no commit that describes it). */
  async cleanHead(): Promise<string | undefined> {
    const commit = await this.tryRun(['rev-parse', 'HEAD']);
    if (!commit) return undefined;
    const dirty = await this.tryRun(['status', '--porcelain']);
    return dirty === '' ? commit : undefined;
  }

  /** Tags whose commit is reachable from `sha`. */
  tagsMerged(sha: string): Promise<string[]> {
    return this.lines(['tag', '--merged', sha]);
  }

  allTags(): Promise<string[]> {
    return this.lines(['tag', '--list']);
  }

  /** Commits in `from..to` (all of `to`'s history when `from` is undefined), newest first. */
  revList(to: string, from?: string): Promise<string[]> {
    return this.lines(['rev-list', from ? `${from}..${to}` : to]);
  }

  /** Subjects of the commits in `from..to`, newest first. */
  async subjects(to: string, from?: string): Promise<{ sha: string; subject: string; author: string }[]> {
    return (await this.lines(['log', '--format=%H%x09%an%x09%s', from ? `${from}..${to}` : to])).map((l) => {
      const [sha = '', author = '', ...rest] = l.split('\t');
      return { sha, author, subject: rest.join('\t') };
    });
  }

  subject(sha: string): Promise<string> {
    return this.run(['log', '-1', '--format=%s', sha]);
  }

  /** Files under `paths` at `sha` (repository-relative, sorted). */
  async lsTree(sha: string, paths: string[]): Promise<string[]> {
    return (await this.lines(['ls-tree', '-r', '--name-only', '--full-tree', sha, '--', ...paths])).sort();
  }

  /** A file's bytes at `sha`, or undefined when it is not there. */
  show(sha: string, path: string): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      execFile('git', ['show', `${sha}:${path}`], { cwd: this.dir, env: this.env, encoding: 'buffer', maxBuffer: MAX_BUFFER }, (err, stdout) => resolve(err ? undefined : stdout));
    });
  }

  /** The commit a branch or tag of a remote points at now (`git ls-remote`); undefined for a commit SHA or an unknown ref. */
  async lsRemote(url: string, revision: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(revision)) return undefined;
    const out = await this.lines(['ls-remote', url, revision, `refs/heads/${revision}`, `refs/tags/${revision}`]);
    const line = out.find((l) => l.endsWith(`refs/heads/${revision}`) || l.endsWith(`refs/tags/${revision}`) || l.endsWith(`\t${revision}`));
    return line?.split('\t')[0] || undefined;
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
