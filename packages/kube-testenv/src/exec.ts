import { spawn } from 'node:child_process';
import { PlumbingError } from '@plumbing/model';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Receives stderr as it arrives, one line at a time. */
  readonly onStderrLine?: (line: string) => void;
}

/** Runs a program (no shell) to completion and collects its output. Throws only if it cannot start. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!opts.onStderrLine) return;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onStderrLine(line);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    child.on('error', (err) => {
      reject(new PlumbingError('KUBE_EXEC_FAILED', `cannot run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (partial && opts.onStderrLine) opts.onStderrLine(partial);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like run(), but a non-zero exit is a failure carrying the end of stderr. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-30).join('\n');
    throw new PlumbingError('KUBE_EXEC_FAILED', `${cmd} ${args.join(' ')} exited with ${result.code}:\n${tail}`);
  }
  return result;
}
