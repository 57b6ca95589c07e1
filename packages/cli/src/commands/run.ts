import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Engines, executePipelineRun, executeTaskRun, type ImageMode, StepImages } from '@plumbing/executor';
import { defaultCacheDir, loadCredentials, loadRegistrySettings, parsePlatform } from '@plumbing/oci';
import { type RunCliOptions, runCli } from '../run/cli-run.js';
import { UsageError } from '@plumbing/model';
import { durationFlag, parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const RUN_HELP = `Usage: plumbing run -f FILE [-f FILE ...] [options]
       plumbing run task NAME|PATH [-p name=value ...] [-w name=DIR|emptyDir ...] [options]
       plumbing run pipeline NAME|PATH [-p name=value ...] [-w name=DIR|emptyDir ...] [options]
       plumbing run --retry-failed RUN [options]

Runs Tekton TaskRuns and PipelineRuns on this machine, as host processes (sandboxed with
bubblewrap when it is installed), with Tekton's semantics.

  -f FILE            run every TaskRun and PipelineRun in FILE (multi-document YAML; repeatable).
                     metadata.generateName gets 5 random lowercase letters, like Kubernetes.
                     Tasks, Pipelines and StepActions resolve from the -f files first, then from
                     the repository. ConfigMaps, Secrets and ServiceAccounts are the run's objects
                     (configMap/secret volumes and workspaces, env valueFrom and envFrom, creds-init
                     of the ServiceAccount's tekton.dev/git-N and docker-N Secrets; Secret values are
                     masked as *** in step output and logs). Other kinds are skipped with a note.
  task NAME|PATH     run a Task (by name from the repository, or the one Task in a YAML file)
  pipeline NAME|PATH run a Pipeline the same way
  -p name=value      a param (repeatable). Arrays: JSON ["a","b"] or a,b. Objects: JSON
                     {"k":"v"} or k=v,k2=v2 (the declared type decides)
  -w name=DIR        bind a workspace to a host directory (created by you; used in place)
  -w name=emptyDir   bind a workspace to a fresh empty directory
  --retry-failed RUN a new PipelineRun (RUN-retry-xxxxx) that runs again only what failed in the
                     recorded PipelineRun RUN: the tasks that failed, were cancelled or timed out,
                     were skipped or never started because of a failure, every task that depends
                     on one of those, and the finally tasks. The tasks that succeeded (and those
                     their own when skipped) are not run: their TaskRuns, results and logs stand in
                     the new run, marked "reused from RUN", and $(tasks.X.results.Y) reads them.
                     The new run starts with a copy of RUN's workspace directories (so it sees
                     what the reused tasks wrote); persistentVolumeClaim and -w directories are
                     the same directories. Tasks and Pipelines are read again from the repository
                     and RUN's files, so a fix to a failing task is picked up. A RUN that succeeded
                     has nothing to retry (exit 0, with --format json: []).

Options:
  --parallel N       at most N TaskRuns at once over all runs (default: cores, here ${availableParallelism()})
  --no-sandbox       run steps without bubblewrap (and so with the host's tools)
  --images MODE      where a step's tools come from (the choice is recorded as each step's imageID):
                       auto (default)  its image, pulled from its registry when that is reachable
                                       (else the host's tools, with a warning)
                       pull            its image, always (a pull failure fails the step)
                       local           its image from the cache only (plumbing images pull)
                       host            the host's tools, as if the image were the host
                     A step in its image sees the image's root filesystem as / (read-only, with a
                     per-step writable layer), its Env, WorkingDir, User and Entrypoint/Cmd.
                     Registry mirrors, insecure registries: .plumbing.yaml images: (plumbing
                     images --help); credentials: $DOCKER_CONFIG/config.json or ~/.docker/config.json
                     With the host's tools, a step without command runs what its image would
                     start, from a table of the common images' configs; others go in
                     .plumbing.yaml run.imageConfigs.<image>: {entrypoint, cmd, workingDir, env}
  --offline          never touch the network: images from the cache, else the host's tools
  --credentials FILE a docker-config file (a Secret's .dockerconfigjson) tried before
                     $DOCKER_CONFIG/config.json or ~/.docker/config.json (repeatable)
  --platform P       the platform picked from image indexes (default: this machine's), e.g. linux/arm64
  --timeout DUR      overrides every run's own timeout (TaskRun timeout, PipelineRun
                     timeouts.pipeline): Go duration like 10m, 1h30m; 0 = none
  --format FORMAT    text (default) or json: when all runs are done, stdout is one JSON array,
                     one object per run: {kind, name, succeeded: "True"|"False"|"Unknown",
                     reason, message, results: [{name, value}], taskRuns: [{pipelineTaskName,
                     name, succeeded, reason, results}]}; progress and step output go to stderr
  --root DIR         repository root (default: nearest .plumbing.yaml or .git)
  -h, --help         show this help

Before anything runs, the runs and every Task, Pipeline and StepAction they reach are checked
with the rules of plumbing check; an error prints the same finding text and nothing runs.

Tekton's feature flags (results-from, max-result-size, enable-api-fields, enable-artifacts, ...)
come from .plumbing.yaml run.featureFlags, over the feature-flags ConfigMap of clusters/<run.cluster>/;
without either, Tekton's defaults hold and alpha/beta fields are only warned about.

Workspace bindings in a run:
  emptyDir, volumeClaimTemplate    a fresh directory under the run's record directory
  persistentVolumeClaim            .plumbing/pvc/<claimName> (kept between runs)
  configMap, secret, projected     files written from a ConfigMap/Secret in the -f files (a
                                   binding to one that is not in the files fails the run;
                                   secret files are removed from the record when it ends)
  csi                              not supported locally

While running: one line per task and step with its state and duration, redrawn in place on a
terminal, plain appended lines otherwise (pipes, CI=true); step output prefixed [task/step].
At the end: the status tree with reasons, messages and results.

Records: .plumbing/runs/<run-name>/ at the repository root: run.json (the run as run),
status.json (Tekton's status: conditions, child TaskRuns, results, start and completion
times) and <taskrun>/<step>.log. See plumbing runs and plumbing logs.

Ctrl-C cancels: running steps are stopped, every run is recorded as cancelled
(TaskRunCancelled / Cancelled), and plumbing exits 130. A second Ctrl-C kills at once.

Exit codes: 0 every run succeeded, 1 a run failed (or the check found errors), 2 usage error,
130 cancelled with Ctrl-C.
`;

/** The real engines: the TaskRun engine (task-run.ts) and the PipelineRun engine (pipeline-run.ts). */
export const REAL_ENGINES: Engines = { executeTaskRun, executePipelineRun };

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      param: { type: 'string', short: 'p', multiple: true },
      workspace: { type: 'string', short: 'w', multiple: true },
      parallel: { type: 'string' },
      'no-sandbox': { type: 'boolean' },
      images: { type: 'string' },
      offline: { type: 'boolean' },
      platform: { type: 'string' },
      credentials: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      'retry-failed': { type: 'string' },
      format: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Parses `plumbing run` arguments into runCli options (throws UsageError). */
export function parseRunArgs(argv: string[], io: Io): RunCliOptions | 'help' {
  const parsed = parseOrUsage('run', () => parse(argv));
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  let target: RunCliOptions['target'];
  if (positionals.length > 0) {
    const [what, name, ...extra] = positionals;
    if ((what !== 'task' && what !== 'pipeline') || name === undefined || extra.length > 0) {
      throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`, 'plumbing run -f FILE, plumbing run task NAME|PATH or plumbing run pipeline NAME|PATH');
    }
    target = { what, name };
  }
  let parallel: number | undefined;
  if (values.parallel !== undefined) {
    parallel = Number(values.parallel);
    if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError(`--parallel ${values.parallel}: expected a whole number ≥ 1`);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = durationFlag('timeout', values.timeout);
  }
  const o: RunCliOptions = {
    root: values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd),
    files: values.file ?? [],
    params: values.param ?? [],
    workspaces: values.workspace ?? [],
    sandbox: !values['no-sandbox'],
    format,
  };
  if (target) o.target = target;
  if (values['retry-failed'] !== undefined) {
    if (target || o.files.length > 0 || o.params.length > 0 || o.workspaces.length > 0) {
      throw new UsageError('--retry-failed RUN takes no -f, -p, -w, task or pipeline: the retry runs what RUN ran', 'plumbing runs lists the recorded runs');
    }
    if (values['retry-failed'] === '') throw new UsageError('--retry-failed needs the name of a recorded PipelineRun', 'plumbing runs lists the recorded runs');
    o.retryFailed = values['retry-failed'];
  }
  const images = stepImages(values, o.root, io);
  if (images) o.images = images;
  if (parallel !== undefined) o.parallel = parallel;
  if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
  if (process.stdout.columns) o.columns = process.stdout.columns;
  if (process.stdout.rows) o.rows = process.stdout.rows;
  return o;
}

const IMAGE_MODES: readonly ImageMode[] = ['auto', 'pull', 'local', 'host'];

/** The --images policy (undefined: the host's tools for every step, as with --images host). */
function stepImages(values: ReturnType<typeof parse>['values'], root: string, io: Io): StepImages | undefined {
  const mode = (values.images ?? 'auto') as ImageMode;
  if (!IMAGE_MODES.includes(mode)) throw new UsageError(`unknown --images ${values.images}: use auto, pull, local or host`);
  if (values.offline && mode === 'pull') throw new UsageError('--offline and --images pull contradict each other', 'use --images local (cache only) with --offline');
  if (mode === 'host' || values['no-sandbox']) return undefined;
  const platform = values.platform === undefined ? undefined : parsePlatform(values.platform);
  return new StepImages({
    mode,
    offline: values.offline ?? false,
    cache: defaultCacheDir(io.env),
    settings: loadRegistrySettings(root),
    credentials: loadCredentials((values.credentials ?? []).map((f) => resolve(io.cwd, f)), io.env),
    ...(platform ? { platform } : {}),
  });
}

export async function runCommand(argv: string[], io: Io, engines: Engines | (() => Promise<Engines>) = REAL_ENGINES): Promise<number> {
  const wantsJson = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
  try {
    const o = parseRunArgs(argv, io);
    if (o === 'help') {
      io.stdout(RUN_HELP);
      return 0;
    }
    return await runCli(o, io, engines);
  } catch (e) {
    // --format json: stdout stays valid JSON whatever happens.
    if (wantsJson) io.stdout('[]\n');
    throw e;
  }
}
