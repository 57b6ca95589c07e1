import { PlumbingError } from '@plumbing/model';
import { CHECK_HELP, checkCommand } from './commands/check.js';
import { GC_HELP, gcCommand } from './commands/gc.js';
import { DEPLOY_HELP, deployCommand } from './commands/deploy.js';
import { LOGS_HELP, logsCommand } from './commands/logs.js';
import { RENDER_HELP, renderCommand } from './commands/render.js';
import { RELEASE_HELP, releaseCommand } from './commands/release.js';
import { RUN_HELP, runCommand } from './commands/run.js';
import { RUNS_HELP, runsCommand } from './commands/runs.js';
import { SCHEDULE_HELP, scheduleCommand } from './commands/schedule.js';
import { type Io, processIo } from './io.js';

export type Command = (argv: string[], io: Io) => Promise<number>;

interface CommandEntry {
  run: Command;
  summary: string;
  help: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: { run: checkCommand, summary: 'validate every Tekton, Triggers and Kubernetes resource (file:line:col)', help: CHECK_HELP },
  run: { run: (argv, io) => runCommand(argv, io), summary: 'run TaskRuns and PipelineRuns locally (-f FILE, task NAME, pipeline NAME)', help: RUN_HELP },
  runs: { run: runsCommand, summary: 'list the recorded runs, newest first', help: RUNS_HELP },
  logs: { run: logsCommand, summary: 'print (or follow) the step logs of a recorded run', help: LOGS_HELP },
  render: { run: renderCommand, summary: 'print the exact manifests deploy applies to a cluster (sorted, stable, offline)', help: RENDER_HELP },
  deploy: { run: deployCommand, summary: 'deploy a cluster: plan (--dry-run), staged apply, prune, rollback; history, rollback', help: DEPLOY_HELP },
  schedule: { run: scheduleCommand, summary: 'run the scheduled deploys of every cluster with a spec.schedule until SIGTERM', help: SCHEDULE_HELP },
  gc: { run: gcCommand, summary: 'delete old PipelineRuns/TaskRuns on a cluster, keeping the newest N (dry unless --apply)', help: GC_HELP },
  release: { run: releaseCommand, summary: 'release a project: nightly or full --version vX.Y.Z (plan, checks, converge; --dry-run)', help: RELEASE_HELP },
};

/** Other packages register their commands here (run, deploy, release, ...). */
export function registerCommand(name: string, entry: CommandEntry): void {
  COMMANDS[name] = entry;
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Usage: plumbing <command> [options]

The plumbing of an open-source organisation on Tekton, as code.

Commands:
${lines.join('\n')}

Run "plumbing <command> --help" for a command's options.
Global options: --debug (stack traces on failure), --version.
Exit codes: 0 success, 1 failure or findings with errors, 2 usage error.
`;
}

/** Runs the CLI; returns the exit code. `io` defaults to the process. */
export async function main(argv: string[], io?: Io): Promise<number> {
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('interrupted'));
  if (!io) process.once('SIGINT', onSigint);
  const theIo = io ?? processIo(ac.signal);
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    const [name, ...rest] = args;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      theIo.stdout(mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
      theIo.stdout('plumbing 0.1.0\n');
      return 0;
    }
    const cmd = COMMANDS[name];
    if (!cmd) {
      theIo.stderr(`plumbing: unknown command "${name}"\n\n${mainHelp()}`);
      return 2;
    }
    return await cmd.run(rest, theIo);
  } catch (e) {
    if (e instanceof PlumbingError) {
      theIo.stderr(`plumbing: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
      if (debug && e.stack) theIo.stderr(`${e.stack}\n`);
      return e.exitCode;
    }
    theIo.stderr(`plumbing: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (debug && e instanceof Error && e.stack) theIo.stderr(`${e.stack}\n`);
    return 1;
  } finally {
    if (!io) process.removeListener('SIGINT', onSigint);
  }
}
