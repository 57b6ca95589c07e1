/** What a command may touch of the outside world: injectable for tests. */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is an interactive terminal (live views, colours). */
  isTTY: boolean;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export function processIo(signal: AbortSignal): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY) && process.env.CI !== 'true',
    signal,
  };
}
