/**
 * The per-step mount namespace: bubblewrap (`bwrap`) shows a step Tekton's paths (/workspace,
 * /tekton/results, /tekton/home, /tekton/steps, /tekton/run, ...) bound to the run's own host
 * directories, over the host's read-only system (/usr, /bin, /lib*, /etc). Nothing outside the
 * run's directories (and the per-step tmpfs root) is writable.
 */
import { execFile } from 'node:child_process';
import { lstat, readlink } from 'node:fs/promises';

export interface Mount {
  /** Path inside the step. */
  target: string;
  /** Host path. */
  source: string;
  readOnly: boolean;
}

export interface SandboxInfo {
  available: boolean;
  /** Absolute path of bwrap. */
  bwrap?: string;
  /** Why it is not available. */
  reason?: string;
  /** The host system binds, computed once (`--ro-bind /usr /usr`, `--symlink usr/bin /bin`, ...). */
  systemArgs: string[];
}

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

async function systemArgs(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    try {
      const st = await lstat(dir);
      if (st.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
      else if (st.isDirectory()) args.push('--ro-bind', dir, dir);
    } catch {
      // absent on this host
    }
  }
  return args;
}

function run(file: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

/** Where bwrap is looked for, in order. */
export const BWRAP_PATHS: readonly string[] = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];

let detected: Promise<SandboxInfo> | undefined;

/**
 * Whether bubblewrap is installed and can create namespaces here (tried once per process: it is
 * a property of the host, not of a run).
 */
export function detectSandbox(): Promise<SandboxInfo> {
  detected ??= (async (): Promise<SandboxInfo> => {
    const sys = await systemArgs();
    for (const bwrap of BWRAP_PATHS) {
      try {
        await lstat(bwrap);
      } catch {
        continue;
      }
      const probe = await run(bwrap, [...sys, '--proc', '/proc', '--dev-bind', '/dev', '/dev', '--die-with-parent', '--unshare-pid', 'true']);
      if (probe.code === 0) return { available: true, bwrap, systemArgs: sys };
      return { available: false, bwrap, reason: `bwrap cannot create a namespace here: ${probe.stderr.trim()}`, systemArgs: sys };
    }
    return { available: false, reason: 'bubblewrap (bwrap) is not installed (Debian package "bubblewrap")', systemArgs: sys };
  })();
  return detected;
}

/**
 * bwrap arguments for one step: system binds, /proc, /dev, a private /tmp and HOME dir, then the
 * run's mounts (parents before children), the working directory, then `--` and the argv.
 */
export function bwrapArgs(info: SandboxInfo, mounts: readonly Mount[], opts: { cwd: string; dirs?: readonly string[] }, argv: readonly string[]): string[] {
  // --dev-bind of the host /dev rather than bwrap's fresh --dev: the fresh one costs ~8 mounts per step
  // (about a third of a step's overhead); the pid namespace stays so that a step cannot signal host processes.
  const args = [...info.systemArgs, '--proc', '/proc', '--dev-bind', '/dev', '/dev', '--tmpfs', '/tmp', '--dir', '/root', '--die-with-parent', '--unshare-pid'];
  const sorted = [...mounts].sort((a, b) => depth(a.target) - depth(b.target));
  for (const m of sorted) args.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  for (const d of opts.dirs ?? []) args.push('--dir', d);
  args.push('--chdir', opts.cwd, '--', ...argv);
  return args;
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

/**
 * Maps a path as a step sees it to the host path, through the mount table (deepest mount
 * first); undefined when the path is not inside a mount (a step-private path).
 */
export function toHostPath(mounts: readonly Mount[], p: string): string | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    if ((p === m.target || p.startsWith(`${m.target}/`)) && (!best || m.target.length > best.target.length)) best = m;
  }
  return best ? best.source + p.slice(best.target.length) : undefined;
}
