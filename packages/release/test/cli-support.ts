// For the tests that run the real `plumbing` CLI as a child process: the built CLI (packages/cli
// dist, rebuilt when older than the sources it bundles). The release pipeline's steps of the CLI
// image run that same CLI (the executor's imageTools), so nothing is installed on the host.
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const CLI = join(REPO_ROOT, 'packages', 'cli', 'bin', 'plumbing.js');

async function mtime(p: string): Promise<number> {
  try {
    return (await stat(p)).mtimeMs;
  } catch {
    return 0;
  }
}

async function newest(dir: string): Promise<number> {
  let max = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) max = Math.max(max, await mtime(join(e.parentPath, e.name)));
  }
  return max;
}

/** One at a time across test processes (mkdir is atomic); a lock older than 5 minutes is stale. */
async function withLock(name: string, fn: () => Promise<void>): Promise<void> {
  const lock = `/tmp/${name}.lock`;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() - (await mtime(lock)) > 300_000) await rmdir(lock).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** The CLI's dist is at least as new as the release and cli sources (else turbo builds it), and the host CLI is installed from it. */
export async function ensureCli(): Promise<void> {
  const src = Math.max(await newest(join(REPO_ROOT, 'packages', 'release', 'src')), await newest(join(REPO_ROOT, 'packages', 'cli', 'src')));
  const built = Math.min(await mtime(join(REPO_ROOT, 'packages', 'cli', 'dist', 'index.js')), await mtime(join(REPO_ROOT, 'packages', 'release', 'dist', 'index.js')));
  if (built < src) {
    await withLock('plumbing-release-test-build', () => promisify(execFile)('npx', ['turbo', 'run', 'build', '--filter=@plumbing/cli', '--output-logs=errors-only'], { cwd: REPO_ROOT }).then(() => undefined));
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node packages/cli/bin/plumbing.js ...args` in `cwd`, with exactly `env` added to PATH/HOME. */
export function plumbing(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', CI: 'true', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
