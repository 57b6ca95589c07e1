import { PlumbingError } from '@plumbing/model';
import { type Io, processIo } from './io.js';

export type Command = (argv: string[], io: Io) => Promise<number>;

interface CommandEntry {
  /** Loads the command's module on first use: `plumbing deploy` never pays for the executor's imports, nor `plumbing run` for the cluster client's. */
  load: () => Promise<Command>;
  summary: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: { load: async () => (await import('./commands/check.js')).checkCommand, summary: 'validate every Tekton, Triggers and Kubernetes resource (file:line:col)' },
  run: { load: async () => (await import('./commands/run.js')).runCommand, summary: 'run TaskRuns and PipelineRuns locally (-f FILE, task NAME, pipeline NAME)' },
  runs: { load: async () => (await import('./commands/runs.js')).runsCommand, summary: 'list the recorded runs, newest first' },
  logs: { load: async () => (await import('./commands/logs.js')).logsCommand, summary: 'print (or follow) the step logs of a recorded run' },
  render: { load: async () => (await import('./commands/render.js')).renderCommand, summary: 'print the exact manifests deploy applies to a cluster (sorted, stable, offline)' },
  deploy: { load: async () => (await import('./commands/deploy.js')).deployCommand, summary: 'deploy a cluster: plan (--dry-run), staged apply, prune, rollback; history, rollback' },
  schedule: { load: async () => (await import('./commands/schedule.js')).scheduleCommand, summary: 'run the scheduled deploys and nightly releases from config until SIGTERM' },
  gc: { load: async () => (await import('./commands/gc.js')).gcCommand, summary: 'delete old PipelineRuns/TaskRuns on a cluster, keeping the newest N (dry unless --apply)' },
  images: { load: async () => (await import('./commands/images.js')).imagesCommand, summary: 'container images for `run`: list the cache, pull REF, prune what no recent run used' },
  serve: { load: async () => (await import('./commands/serve.js')).serveCommand, summary: 'pull-request CI as an HTTP service from the cluster\'s Triggers YAML (webhooks, queue, runs API)' },
  dashboard: { load: async () => (await import('./commands/dashboard.js')).dashboardCommand, summary: 'export the public pages of the stored runs as static files (dashboard export DIR)' },
  release: { load: async () => (await import('./commands/release.js')).releaseCommand, summary: 'release a project: nightly or full --version vX.Y.Z (plan, checks, converge; --dry-run)' },
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
    return await (await cmd.load())(rest, theIo);
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
