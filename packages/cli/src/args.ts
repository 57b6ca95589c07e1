import { parseHumanDuration, UsageError } from '@plumbing/model';

/** Runs a command's argument parser; a parse error (unknown flag, missing value) becomes a usage error, exit 2. */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), `see plumbing ${command} --help`);
  }
}

/**
 * A duration flag (`--timeout 10m`, `--min-age 7d`, `--wait-lock 90s`): Go's duration syntax
 * (the one parser, in @plumbing/model) plus `d` and `w`. Negative durations are refused.
 */
export function durationFlag(flag: string, text: string): number {
  const r = parseHumanDuration(text);
  if (!r.ok) throw new UsageError(`--${flag} ${JSON.stringify(text)}: not a duration (${r.error})`, 'use e.g. 90s, 10m, 1h30m, 7d or 2w; 0 means none');
  if (r.ms < 0) throw new UsageError(`--${flag} ${JSON.stringify(text)}: must not be negative`);
  return r.ms;
}
