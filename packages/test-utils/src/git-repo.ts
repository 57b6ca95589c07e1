// Real git repositories for tests, made with the git CLI, with fixed identity and dates so the
// same spec always gives the same SHAs.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommitSpec {
  /** Path (relative, `/`-separated) → content; `null` deletes the file. */
  files: Record<string, string | Buffer | null>;
  message: string;
  /** Tag this commit: lightweight, or annotated when `tagMessage` is set. */
  tag?: string;
  tagMessage?: string;
  /** Author and committer date (ISO-8601). Default: 2024-01-01T00:00:00Z plus one minute per commit. */
  date?: string;
}

export interface MakeGitRepoOptions {
  /** Initial branch name (default `main`). */
  branch?: string;
}

/** Fixed identity, and no user or system config, so hooks, signing and templates stay out. */
export const GIT_TEST_ENV: Readonly<Record<string, string>> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Plumbing Test',
  GIT_AUTHOR_EMAIL: 'test@plumbing.invalid',
  GIT_COMMITTER_NAME: 'Plumbing Test',
  GIT_COMMITTER_EMAIL: 'test@plumbing.invalid',
  GIT_TERMINAL_PROMPT: '0',
};

const IDENTITY = ['-c', 'user.name=Plumbing Test', '-c', 'user.email=test@plumbing.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false'];

/** A fresh directory under the OS temp dir; remove it with `rm(dir, { recursive: true })`. */
export function makeTempDir(prefix = 'plumbing-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a directory made by makeTempDir (no error when it is already gone). */
export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Runs git in `dir` with the test environment; resolves to trimmed stdout. */
export async function git(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('git', [...IDENTITY, ...args], {
    cwd: dir,
    env: { ...process.env, ...GIT_TEST_ENV, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

function inside(root: string, rel: string): string {
  const abs = resolve(root, rel);
  if (!abs.startsWith(resolve(root) + sep)) throw new Error(`makeGitRepo: path ${JSON.stringify(rel)} leaves the repository`);
  return abs;
}

/**
 * Creates (or extends) a git repository in `dir` with one commit per spec, in order, and returns
 * the commit SHAs. Dates default to 2024-01-01T00:00:00Z + i minutes, so SHAs are repeatable.
 */
export async function makeGitRepo(dir: string, commits: CommitSpec[], opts: MakeGitRepoOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '-q', `--initial-branch=${opts.branch ?? 'main'}`]);
  const shas: string[] = [];
  for (const [i, spec] of commits.entries()) {
    for (const [rel, content] of Object.entries(spec.files)) {
      const abs = inside(dir, rel);
      if (content === null) {
        await rm(abs, { force: true });
      } else {
        await mkdir(dirname(abs), { recursive: true });
        await writeFile(abs, content);
      }
    }
    const date = spec.date ?? new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '-q', '--allow-empty', '--no-verify', '-m', spec.message], env);
    const sha = await git(dir, ['rev-parse', 'HEAD']);
    if (spec.tag !== undefined) {
      const annotated = spec.tagMessage === undefined ? [] : ['-a', '-m', spec.tagMessage];
      await git(dir, ['tag', ...annotated, spec.tag, sha], env);
    }
    shas.push(sha);
  }
  return shas;
}
