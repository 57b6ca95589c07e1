import type { Io } from '../io.js';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type Finding, formatFindingText, PlumbingError, UsageError } from '@plumbing/model';
import { blockingFindings, type Engines, executeRuns, isInProgress, loadRunsFromFiles, planRetryFailedRun, type RunPlan, readRunRecord, RUNS_DIR, runDirOf, type StepImages, succeededCondition } from '@plumbing/executor';
import { type CredentialStore, type KubeObject, serviceAccountCredentials } from '@plumbing/oci';
import { formatStatusTree, type RunSummary, summarizeRun } from './cli-summary.js';
import { LiveView } from './live-view.js';
import { fileUrlNotes } from './file-urls.js';
import { COMMAND_LINE_FILE, loadRunFromFlags } from './load-runs-flags.js';

/** What `plumbing run` may touch of the outside world: the CLI's Io. */
export type CliIo = Io;

export interface RunCliOptions {
  root: string;
  /** `-f` files. */
  files: string[];
  /** `run task NAME|PATH` / `run pipeline NAME|PATH`. */
  target?: { what: 'task' | 'pipeline'; name: string };
  params: string[];
  workspaces: string[];
  parallel?: number;
  sandbox: boolean;
  /** Steps in their pulled images (`--images`, `--offline`); without it, the host's tools. */
  images?: StepImages;
  timeoutMs?: number;
  format: 'text' | 'json';
  /** Terminal size for the live view. */
  columns?: number;
  rows?: number;
  /** `--retry-failed RUN`: a new run of RUN's failed tasks, reusing the rest (then files, target, params and workspaces are empty). */
  retryFailed?: string;
}

/** Exit code after Ctrl-C: 128 + SIGINT, as shells report it. */
export const EXIT_CANCELLED = 130;

/** `plumbing run`: load, check, run, record, report. Returns the exit code (0 all succeeded, 1 otherwise, 130 cancelled). */
export async function runCli(o: RunCliOptions, io: CliIo, engines: Engines | (() => Promise<Engines>)): Promise<number> {
  const taken = (name: string) => existsSync(runDirOf(o.root, name));
  let plan: RunPlan;
  if (o.retryFailed !== undefined) {
    const retry = await planRetryFailedRun(o.root, o.retryFailed, { taken });
    if (retry.kind === 'nothing') {
      io.stderr(`plumbing run: ${retry.message}\n`);
      if (o.format === 'json') io.stdout('[]\n');
      return 0;
    }
    io.stderr(`retrying PipelineRun ${retry.from} as ${retry.name}: running again ${retry.rerun.join(', ') || '(no task)'}; reused from ${retry.from}: ${retry.reuse.join(', ') || '(none)'}\n`);
    plan = retry.plan;
  } else if (o.target) {
    plan = await loadRunFromFlags({ root: o.root, cwd: io.cwd, what: o.target.what, target: o.target.name, params: o.params, workspaces: o.workspaces, files: o.files, taken });
  } else {
    if (o.files.length === 0) throw new UsageError('nothing to run: give -f FILE, or run task NAME, or run pipeline NAME', 'see plumbing run --help');
    if (o.params.length > 0 || o.workspaces.length > 0) throw new UsageError('-p and -w go with "run task" and "run pipeline"; a run in a file sets its own params and workspaces');
    plan = await loadRunsFromFiles({ root: o.root, cwd: io.cwd, files: o.files, taken });
  }
  return executePlan(plan, o, io, engines);
}

/** Checks, runs and reports a loaded plan (runs from files, from flags, or a retry). */
async function executePlan(plan: RunPlan, o: RunCliOptions, io: CliIo, engines: Engines | (() => Promise<Engines>)): Promise<number> {
  for (const n of plan.notes) io.stderr(`note: ${n}\n`);
  if (o.images) o.images.useServiceAccounts(accountCredentials(plan, io));
  const errors = blockingFindings(plan.findings).map((f) => shown(f, o.root, io.cwd));
  if (errors.length > 0) {
    for (const f of errors) (o.format === 'json' ? io.stderr : io.stdout)(`${formatFindingText(f)}\n`);
    const synthetic = plan.runs.find((r) => r.doc.file === COMMAND_LINE_FILE);
    if (synthetic && errors.some((f) => f.file === COMMAND_LINE_FILE)) {
      // Positions in <command line> point into the run built from the flags: show it, numbered.
      const numbered = synthetic.doc.source.text.trimEnd().split('\n').map((l, i) => `${String(i + 1).padStart(4)}  ${l}`);
      io.stderr(`${COMMAND_LINE_FILE} is the run built from the flags:\n${numbered.join('\n')}\n`);
    }
    io.stderr(`plumbing run: ${errors.length} error${errors.length === 1 ? '' : 's'}: nothing was run\n`);
    if (o.format === 'json') {
      const message = errors.map((f) => formatFindingText(f)).join('\n');
      io.stdout(`${JSON.stringify(plan.runs.map((r) => ({ kind: r.kind, name: r.name, succeeded: 'False', reason: 'ValidationFailed', message, results: [], taskRuns: [] })))}\n`);
    }
    return 1;
  }
  if (plan.runs.length === 0) throw new UsageError(`no TaskRun or PipelineRun in ${o.files.join(', ')}`, 'plumbing run task NAME runs a Task; plumbing run pipeline NAME runs a Pipeline');
  for (const r of plan.runs) {
    const dir = runDirOf(o.root, r.name);
    if (!existsSync(dir)) continue;
    const rec = readRunRecord(dir);
    if (isInProgress(rec)) throw new PlumbingError('RUN_IN_PROGRESS', `${r.kind} ${r.name} is running (plumbing process ${rec.meta?.plumbing.pid})`, { hint: 'wait for it, or use metadata.generateName' });
    io.stderr(`note: replacing the previous record of ${r.kind} ${r.name}\n`);
  }
  for (const n of fileUrlNotes(plan.runs, o.sandbox)) io.stderr(`note: ${n}\n`);
  const theEngines = typeof engines === 'function' ? await engines() : engines;

  const out = o.format === 'json' ? io.stderr : io.stdout;
  const tty = o.format === 'text' && io.isTTY && io.env.CI !== 'true';
  const view = new LiveView({ write: out, tty, color: tty && io.env.NO_COLOR === undefined, ...(o.columns !== undefined ? { columns: o.columns } : {}), ...(o.rows !== undefined ? { rows: o.rows } : {}) });
  const outcomes = await executeRuns(plan, theEngines, {
    signal: io.signal,
    sandbox: o.sandbox,
    ...(o.images ? { images: o.images } : {}),
    ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    onRunStart: (run) => view.addRun(run.kind, run.name),
    onEvent: (run, e) => view.event(run.name, e),
    onRunEnd: (run, status) => {
      const c = succeededCondition(status);
      view.endRun(run.name, c?.status ?? 'Unknown', c?.reason ?? '');
    },
  });
  await o.images?.close();
  view.finish();
  out('\n');
  for (const r of outcomes) out(formatStatusTree(r.run.kind, r.run.name, r.status, new Date(), (taskRun, step) => view.duration(r.run.name, taskRun, step)));
  out(`records: ${outcomes.map((r) => relative(io.cwd, r.dir) || '.').join(', ')}  (plumbing runs, plumbing logs NAME)\n`);
  const summaries: RunSummary[] = outcomes.map((r) => summarizeRun(r.run.kind, r.run.name, r.status));
  if (o.format === 'json') io.stdout(`${JSON.stringify(summaries, null, 2)}\n`);
  if (io.signal.aborted) {
    io.stderr(`plumbing run: cancelled (Ctrl-C); recorded under ${RUNS_DIR}\n`);
    return EXIT_CANCELLED;
  }
  return summaries.every((s) => s.succeeded === 'True') ? 0 : 1;
}

/** Registry credentials of each ServiceAccount in the run's files (its docker-config Secrets, from the same files). */
function accountCredentials(plan: RunPlan, io: CliIo): Map<string, CredentialStore> {
  const objects = plan.fileDocs.map((d) => d.value as KubeObject).filter((v) => v && typeof v === 'object');
  const out = new Map<string, CredentialStore>();
  for (const sa of objects.filter((v) => v.kind === 'ServiceAccount')) {
    const name = sa.metadata?.name;
    if (!name) continue;
    const { credentials, missing } = serviceAccountCredentials(objects, name);
    for (const m of missing) io.stderr(`note: ServiceAccount ${name} names Secret ${m}, which is not in the run's files: its images are pulled without it\n`);
    out.set(name, credentials);
  }
  return out;
}

/** A finding with its file relative to the current directory (clickable), like `plumbing check`. */
function shown(f: Finding, root: string, cwd: string): Finding {
  if (f.file === '' || f.file === '.' || f.file === COMMAND_LINE_FILE) return f;
  const r = relative(cwd, resolve(root, f.file));
  return { ...f, file: r === '' ? f.file : r };
}
