import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A control-plane process in its own process group, logging to a file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (immediately if it already has). */
  readonly exited: Promise<void>;
  hasExited(): boolean;
}

/** util-linux setpriv can set PR_SET_PDEATHSIG before exec: the kernel kills the child if we die. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Starts a program detached into its own process group (so stop() can signal the group) with
 * stdout/stderr appended to `logFile`. On Linux with setpriv the kernel sends SIGKILL to it when
 * the thread that started it dies, which covers a test process killed with SIGKILL.
 */
export function startProcess(name: string, bin: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv): ManagedProcess {
  const fd = openSync(logFile, 'a');
  const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, [...args]];
  let child: ChildProcess;
  try {
    child = spawn(cmd, argv, { detached: true, stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  let done = child.exitCode !== null || child.signalCode !== null;
  const exited = new Promise<void>((resolve) => {
    if (done) resolve();
    child.once('exit', () => {
      done = true;
      resolve();
    });
    child.once('error', () => {
      done = true;
      resolve();
    });
  });
  return { name, pid: child.pid ?? -1, logFile, child, exited, hasExited: () => done };
}

function signalGroup(p: ManagedProcess, signal: NodeJS.Signals): void {
  if (p.pid <= 0 || p.hasExited()) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs`, then wait for the exit. */
export async function stopProcess(p: ManagedProcess, graceMs = 10_000): Promise<void> {
  signalGroup(p, 'SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([p.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    signalGroup(p, 'SIGKILL');
    await p.exited;
  }
}

/** Synchronous last resort for 'exit' handlers: SIGKILL every group. */
export function killNow(processes: readonly ManagedProcess[]): void {
  for (const p of processes) signalGroup(p, 'SIGKILL');
}

/** The last lines of a process log, for error messages. */
export function logTail(p: ManagedProcess, lines = 25): string {
  try {
    return readFileSync(p.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** True while a pid exists (zombies included). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Registers cleanup for when the process ends without calling stop(): an 'exit' handler that
 * SIGKILLs the groups, and for SIGINT/SIGTERM/SIGHUP (only when nobody else handles them) a
 * handler that kills the groups and re-raises the signal. Returns the unregister function.
 */
export function registerExitCleanup(processes: () => readonly ManagedProcess[]): () => void {
  const onExit = (): void => killNow(processes());
  process.on('exit', onExit);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const installed: [NodeJS.Signals, () => void][] = [];
  for (const sig of signals) {
    if (process.listenerCount(sig) > 0) continue;
    const handler = (): void => {
      killNow(processes());
      for (const [s, h] of installed) process.removeListener(s, h);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
    installed.push([sig, handler]);
  }
  return () => {
    process.removeListener('exit', onExit);
    for (const [s, h] of installed) process.removeListener(s, h);
  };
}

/** Polls `check` until it returns true, failing early when `abort` returns a reason. */
export async function waitFor(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; abort?: () => string | undefined }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = 100;
  for (;;) {
    const reason = opts.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${opts.timeoutMs} ms`);
    await sleep(delay);
    delay = Math.min(delay * 2, 1000);
  }
}
