import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration, listRunRecords } from '@plumbing/executor';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const RUNS_HELP = `Usage: plumbing runs [options]

Lists the runs recorded by plumbing run under .plumbing/runs/ at the repository root, newest
first: name, kind, status (Succeeded, Failed, Running, Unknown), reason, start time, duration.
A run whose plumbing process exited before the run finished shows reason Interrupted.

Options:
  --format FORMAT    text (default) or json: one JSON array of {name, kind, succeeded, reason,
                     message, startTime, completionTime, durationMs, inProgress}
  -n, --limit N      only the N newest runs
  --root DIR         repository root (default: nearest .plumbing.yaml or .git)
  -h, --help         show this help

Exit codes: 0 listed (also when there are none), 2 usage error.
`;

function statusWord(succeeded: string, inProgress: boolean): string {
  if (inProgress) return 'Running';
  return succeeded === 'True' ? 'Succeeded' : succeeded === 'False' ? 'Failed' : 'Unknown';
}

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('runs', () => parse(argv));
  const { values } = parsed;
  if (values.help) {
    io.stdout(RUNS_HELP);
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit ${values.limit}: expected a whole number ≥ 1`);
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const runs = listRunRecords(root).slice(0, limit);
  if (format === 'json') {
    io.stdout(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    io.stderr('no runs recorded yet (plumbing run records them under .plumbing/runs/)\n');
    return 0;
  }
  const rows = [['NAME', 'KIND', 'STATUS', 'REASON', 'STARTED', 'DURATION']];
  for (const r of runs) {
    rows.push([r.name, r.kind, statusWord(r.succeeded, r.inProgress), r.reason, r.startTime ? r.startTime.replace(/\.\d+Z$/, 'Z') : '-', r.durationMs === undefined ? '-' : formatDuration(r.durationMs)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) io.stdout(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      format: { type: 'string' },
      limit: { type: 'string', short: 'n' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
