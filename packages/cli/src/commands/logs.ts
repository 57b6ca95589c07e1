import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listRunRecords, printRunLogs, runDirOf } from '@plumbing/executor';
import { EXIT_CANCELLED } from '../run/cli-run.js';
import { PlumbingError, UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const LOGS_HELP = `Usage: plumbing logs RUN [--task T] [--step S] [-f]

Prints the step logs of a run recorded by plumbing run (.plumbing/runs/RUN/<taskrun>/<step>.log),
in run order, each line prefixed [task/step] (the pipeline task inside a PipelineRun, the TaskRun
name for a TaskRun). RUN "last" is the newest run.

Options:
  --task T           only the TaskRun of pipeline task T (or the TaskRun named T)
  --step S           only step S
  -f, --follow       keep printing a run in progress until it ends (Ctrl-C stops following)
  --root DIR         repository root (default: nearest .plumbing.yaml or .git)
  -h, --help         show this help

Exit codes: 0 printed, 1 no such run or no matching log, 2 usage error, 130 Ctrl-C while following.
`;

export async function logsCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('logs', () => parse(argv));
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(LOGS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give one RUN name', 'plumbing runs lists them');
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  let name = positionals[0]!;
  if (name === 'last') {
    const newest = listRunRecords(root)[0];
    if (!newest) throw new PlumbingError('RUN_NOT_FOUND', 'no runs recorded yet');
    name = newest.name;
  }
  if (name.includes('/') || name.startsWith('.') || !existsSync(runDirOf(root, name))) {
    throw new PlumbingError('RUN_NOT_FOUND', `no run named ${name}`, { hint: 'plumbing runs lists the recorded runs' });
  }
  const { found } = await printRunLogs(root, name, {
    write: io.stdout,
    follow: values.follow ?? false,
    signal: io.signal,
    ...(values.task !== undefined ? { task: values.task } : {}),
    ...(values.step !== undefined ? { step: values.step } : {}),
  });
  if (io.signal.aborted) return EXIT_CANCELLED;
  if (found === 0 && (values.task !== undefined || values.step !== undefined)) {
    io.stderr(`plumbing logs: no log of ${[values.task && `task ${values.task}`, values.step && `step ${values.step}`].filter(Boolean).join(', ')} in ${name}\n`);
    return 1;
  }
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      task: { type: 'string' },
      step: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
