/**
 * Runs one step as a host process (optionally inside bwrap), in its own process group, with its
 * output going to the step's log file, optional stdout/stderr tee files and live events.
 * Kills the whole group on step timeout, TaskRun timeout or cancellation.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface StepProcess {
  /** The command line to spawn (bwrap + args, or the step's argv). */
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Host cwd for spawn (bwrap's own cwd when sandboxed). */
  cwd: string;
  logPath: string;
  /** Extra files the stdout / stderr are tee'd to (stdoutConfig / stderrConfig). */
  stdoutPath?: string;
  stderrPath?: string;
  /** Step timeout (ms), if any. */
  timeoutMs?: number;
  /** Aborts the step (TaskRun timeout, cancellation). */
  signal: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Masks secret values in what goes to the log and to onOutput (not to the step's own tee files). */
  redact?: (text: string) => string;
}

export interface StepOutcome {
  exitCode: number;
  /** The step hit its own timeout. */
  timedOut: boolean;
  /** Aborted through `signal`. */
  aborted: boolean;
  /** The process could not be started at all. */
  spawnError?: string;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Spawns the step and resolves when it and its output are finished. */
export function runStepProcess(p: StepProcess): Promise<StepOutcome> {
  return new Promise((resolve) => {
    // plain fds and small synchronous appends: cheaper per step than write streams, and ordered; the
    // log file is created with the first output (a silent step costs no file creation on the disk)
    let log: number | undefined;
    const tees: Partial<Record<'stdout' | 'stderr', number>> = {};
    if (p.stdoutPath) tees.stdout = openSync(p.stdoutPath, 'a');
    if (p.stderrPath) tees.stderr = p.stderrPath === p.stdoutPath && tees.stdout !== undefined ? tees.stdout : openSync(p.stderrPath, 'a');

    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(p.file, p.args, { cwd: p.cwd, env: p.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });

    const onAbort = () => {
      aborted = true;
      killGroup(child.pid);
    };
    if (p.signal.aborted) onAbort();
    else p.signal.addEventListener('abort', onAbort, { once: true });
    const timer =
      p.timeoutMs !== undefined && p.timeoutMs > 0 && p.timeoutMs <= 2 ** 31 - 1
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, p.timeoutMs)
        : undefined;

    const pipe = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      log ??= openSync(p.logPath, 'a');
      const shown = p.redact ? Buffer.from(p.redact(chunk.toString())) : chunk;
      writeSync(log, shown);
      const tee = tees[stream];
      if (tee !== undefined) writeSync(tee, chunk);
      p.onOutput?.(stream, shown.toString());
    };
    child.stdout.on('data', pipe('stdout'));
    child.stderr.on('data', pipe('stderr'));

    const finish = (o: StepOutcome) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      p.signal.removeEventListener('abort', onAbort);
      for (const fd of new Set([log, ...Object.values(tees)])) if (fd !== undefined) closeSync(fd);
      resolve(o);
    };
    child.on('error', (err) => finish({ exitCode: 127, timedOut, aborted, spawnError: err.message }));
    let exitCode = 1;
    child.on('exit', (code, sig) => {
      exitCode = code ?? (sig ? 128 + (signalNumber(sig) ?? 9) : 1);
      // background jobs still holding the output pipes die with the step, as in a container
      killGroup(child.pid);
    });
    child.on('close', () => finish({ exitCode, timedOut, aborted }));
  });
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  const n = (
    { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 } as Record<string, number>
  )[sig];
  return n;
}
