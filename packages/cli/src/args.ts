import { UsageError } from '@plumbing/model';

/** Runs a command's argument parser; a parse error (unknown flag, missing value) becomes a usage error, exit 2. */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), `see plumbing ${command} --help`);
  }
}
