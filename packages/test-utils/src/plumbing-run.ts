// Runs the REAL plumbing CLI (`plumbing run`) as a child process, as a maintainer would, and
// returns its JSON summary. Task and pipeline tests use it to run a task or pipeline end to end.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/test-utils/{src,dist}/plumbing-run.*). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO_ROOT, 'packages/cli/bin/plumbing.js');

export interface RunResult {
  name: string;
  value: unknown;
}

export interface TaskRunSummary {
  pipelineTaskName?: string;
  name: string;
  succeeded: 'True' | 'False' | 'Unknown';
  reason: string;
  results?: RunResult[];
}

export interface RunSummary {
  kind: 'TaskRun' | 'PipelineRun';
  name: string;
  succeeded: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  results: RunResult[];
  taskRuns: TaskRunSummary[];
}

export interface CliOutcome {
  code: number;
  runs: RunSummary[];
  /** Progress and step output (`[taskrun/step] ...` lines). */
  stderr: string;
}

/** Runs `plumbing run <args> --format json` from `cwd` (default: the repository root). */
export function plumbing(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliOutcome> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [CLI, 'run', ...args, '--format', 'json'],
      { cwd: opts.cwd ?? REPO_ROOT, env: { ...process.env, CI: 'true', ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        let runs: RunSummary[];
        try {
          runs = JSON.parse(stdout) as RunSummary[];
        } catch {
          fail(new Error(`plumbing run exited ${code} without a JSON summary:\n${stdout}\n${stderr}`));
          return;
        }
        done({ code, runs, stderr });
      },
    );
  });
}

export interface RunTaskOptions {
  params?: Record<string, string | readonly string[]>;
  /** Workspace name → host directory, or "emptyDir". */
  workspaces?: Record<string, string>;
  extra?: readonly string[];
}

function cliParams(opts: RunTaskOptions): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(opts.params ?? {})) args.push('-p', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(opts.workspaces ?? {})) args.push('-w', `${k}=${v}`);
  return args;
}

/** `plumbing run task <yaml> -p ... -w ...`: one TaskRun; returns its summary and the outcome. */
export async function runTask(taskYaml: string, opts: RunTaskOptions = {}): Promise<CliOutcome & { run: RunSummary }> {
  const out = await plumbing(['task', taskYaml, ...cliParams(opts), ...(opts.extra ?? [])]);
  const run = out.runs[0];
  if (!run) throw new Error(`no run in the summary (exit ${out.code}): ${out.stderr.slice(0, 2000)}`);
  return { ...out, run };
}

/** `plumbing run pipeline <yaml> -p ... -w ...`. */
export async function runPipeline(pipelineYaml: string, opts: RunTaskOptions = {}): Promise<CliOutcome & { run: RunSummary }> {
  const out = await plumbing(['pipeline', pipelineYaml, ...cliParams(opts), ...(opts.extra ?? [])]);
  const run = out.runs[0];
  if (!run) throw new Error(`no run in the summary (exit ${out.code}): ${out.stderr.slice(0, 2000)}`);
  return { ...out, run };
}

/**
 * `plumbing run -f <files...> -f <docs>`: the docs (TaskRuns, Secrets, ...) are written as one
 * multi-document YAML file (JSON is YAML) in a temp dir.
 */
export async function runDocs(files: readonly string[], docs: readonly object[]): Promise<CliOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbing-run-'));
  const file = join(dir, 'run.yaml');
  await writeFile(file, docs.map((d) => JSON.stringify(d, null, 2)).join('\n---\n'));
  return plumbing([...files.flatMap((f) => ['-f', f]), '-f', file]);
}

/** The value of a result, or undefined. */
export function result(run: { results?: readonly RunResult[] }, name: string): unknown {
  return run.results?.find((r) => r.name === name)?.value;
}

/** A Secret document with string data. */
export function secret(name: string, stringData: Record<string, string>): object {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData };
}

/** A directory standing for a mounted Secret: one file per key. */
export async function secretDir(parent: string, name: string, files: Record<string, string>): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const dir = join(parent, 'secrets', name);
  await mkdir(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) await writeFile(join(dir, f), c);
  return dir;
}
