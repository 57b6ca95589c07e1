/** The one base class for failures (I/O, API, bugs). Findings are data and never thrown. */
export class PlumbingError extends Error {
  readonly code: string;
  /** Exit code the CLI uses for this failure (1 by default, 2 for usage errors). */
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, opts: { cause?: unknown; exitCode?: number; hint?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PlumbingError';
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
  }
}

/** A bad command line: exit code 2. */
export class UsageError extends PlumbingError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint === undefined ? { exitCode: 2 } : { exitCode: 2, hint });
    this.name = 'UsageError';
  }
}
