/**
 * `plumbing run --retry-failed RUN` and `/retest` in `plumbing serve`: a new PipelineRun that runs
 * again only what failed in a recorded one (model's `decideRetry` decides), reusing the TaskRuns,
 * results and workspace contents of the tasks that succeeded. Gather (the record), decide (pure),
 * then the plan `executeRuns` runs like any other; `retryFailedRun` does both.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { buildPipelineDag, decideRetry, type JsonMap, loadYaml, PlumbingError, RepoIndex, type ResourceDoc, type RetryTaskFacts } from '@plumbing/model';
import type { PipelineRunStatus, ReusedTask } from '../contracts.js';
import { type Engines, type ExecuteRunsOptions, executeRuns, type RunOutcome } from './execute-runs.js';
import { collectInvolved, generateName, type LoadedRun, loadIndexWith, planFindings, type RunPlan } from './load-runs.js';
import { isInProgress, readRunRecord, RUNS_DIR, type RunRecord, runDirOf, succeededCondition } from './record.js';

/** The annotation a retry carries: the run it retries. */
export const RETRY_OF_ANNOTATION = 'plumbing.dev/retry-of';

export interface RetryOptions {
  /** The new run's name (default: `<run>-retry-<5 letters>`, without an earlier retry's suffix). */
  name?: string;
  /** Is this name taken (default: a record exists)? */
  taken?: (name: string) => boolean;
}

/** Nothing to retry: the run succeeded. */
export interface NothingToRetry {
  kind: 'nothing';
  from: string;
  message: string;
}

/** A retry, planned: the new run in a plan `executeRuns` takes, and the decision. */
export interface RetryPlanned {
  kind: 'retry';
  from: string;
  name: string;
  /** Pipeline tasks that run again / that are reused (model's decideRetry). */
  rerun: string[];
  reuse: string[];
  plan: RunPlan;
}

function recordOf(root: string, run: string): RunRecord & { meta: NonNullable<RunRecord['meta']> } {
  const dir = runDirOf(root, run);
  if (!existsSync(dir)) throw new PlumbingError('RUN_NOT_FOUND', `no run named "${run}" under ${RUNS_DIR}`, { hint: 'plumbing runs lists the recorded runs' });
  const rec = readRunRecord(dir);
  if (!rec.meta) throw new PlumbingError('RUN_RECORD_INVALID', `${join(RUNS_DIR, run, 'run.json')} is missing or not JSON: the run "${run}" cannot be retried`);
  if (rec.meta.kind !== 'PipelineRun') {
    throw new PlumbingError('RETRY_NOT_PIPELINERUN', `"${run}" is a ${rec.meta.kind}: --retry-failed reruns the failed tasks of a PipelineRun`, { hint: 'run a TaskRun again with plumbing run -f FILE' });
  }
  if (isInProgress(rec)) throw new PlumbingError('RUN_IN_PROGRESS', `PipelineRun ${run} is still running (plumbing process ${rec.meta.plumbing.pid}): retry it once it has ended`);
  return rec as RunRecord & { meta: NonNullable<RunRecord['meta']> };
}

const truthy = (s: { conditions?: { type: string; status: string }[] }) => succeededCondition(s as never)?.status === 'True';

/** The recorded outcome of each pipeline task (from the spec as run) and the DAG's dependencies. */
export function retryFacts(status: PipelineRunStatus | undefined): { facts: RetryTaskFacts[]; parents?: Map<string, string[]> } {
  const spec = status?.pipelineSpec;
  if (!status || !spec) return { facts: [] };
  const childPipelines = new Set((status.pipelineRuns ?? []).map((p) => p.pipelineTaskName));
  const fact = (name: string, isFinally: boolean): RetryTaskFacts => {
    const skipped = (status.skippedTasks ?? []).find((s) => s.name === name);
    const runs = (status.taskRuns ?? []).filter((t) => t.pipelineTaskName === name);
    // a pipeline in a pipeline runs again whole: its TaskRuns are not kept apart in the record
    const state = childPipelines.has(name) ? 'not-run' : skipped ? 'skipped' : runs.length === 0 ? 'not-run' : runs.every((r) => truthy(r.status)) ? 'succeeded' : 'failed';
    return { name, state, ...(skipped ? { skipReason: skipped.reason } : {}), ...(isFinally ? { finally: true } : {}) };
  };
  const facts = [...(spec.tasks ?? []).map((t) => fact(t.name, false)), ...(spec.finally ?? []).map((t) => fact(t.name, true))];
  const dag = buildPipelineDag(spec.tasks ?? []);
  return dag.ok ? { facts, parents: dag.dag.parents } : { facts };
}

function newName(from: string, opts: RetryOptions, root: string): string {
  if (opts.name) return opts.name;
  const taken = opts.taken ?? ((n: string) => existsSync(runDirOf(root, n)));
  const base = from.replace(/-retry-[a-z]{5}$/, '');
  return generateName(`${base}-retry-`, taken);
}

/** The retry as a loaded run: the recorded resource under its new name, resolved against the files it was run from (those that still exist). */
async function retryPlan(root: string, rec: RunRecord & { meta: NonNullable<RunRecord['meta']> }, name: string, reused: ReusedTask[]): Promise<RunPlan> {
  const { meta } = rec;
  const files = meta.plumbing.files.filter((f) => !f.startsWith('<') && existsSync(isAbsolute(f) ? f : join(root, f)));
  const loaded = await loadIndexWith(root, root, files);
  const fileDocs: ResourceDoc[] = loaded.keys.flatMap((k) => loaded.index.files.find((f) => f.file === k)?.docs ?? []);
  const from = meta.metadata.name;
  const metadata: JsonMap = {
    name,
    namespace: meta.metadata.namespace,
    ...(meta.metadata.labels ? { labels: meta.metadata.labels } : {}),
    annotations: { ...(meta.metadata.annotations ?? {}), [RETRY_OF_ANNOTATION]: from },
  };
  const resource = { apiVersion: meta.apiVersion, kind: 'PipelineRun' as const, metadata, spec: meta.spec };
  // JSON is YAML: findings on the retried run are located in this synthetic document.
  const src = loadYaml(`<retry of ${from}>`, `${JSON.stringify(resource, null, 2)}\n`);
  const index = new RepoIndex([...loaded.index.files, src]);
  const doc = fileDocs.find((d) => d.kind === 'PipelineRun' && d.name === from) ?? (src.docs[0] as ResourceDoc);
  const run: LoadedRun = { kind: 'PipelineRun', name, namespace: meta.metadata.namespace, resource, doc, hostDirs: { ...meta.plumbing.hostDirs }, retryOf: { run: from, dir: rec.dir, reused } };
  const involved = new Set<string>([src.file, ...loaded.keys]);
  collectInvolved(index, fileDocs, run, involved);
  const findings = planFindings(loaded, index, involved);
  return { root, runs: [run], notes: [], findings, index, fileDocs, runConfig: loaded.runConfig };
}

/** Gathers the record of `run` under `root` and decides its retry (throws a PlumbingError when it cannot be retried). */
export async function planRetryFailedRun(root: string, run: string, opts: RetryOptions = {}): Promise<NothingToRetry | RetryPlanned> {
  const rec = recordOf(root, run);
  const status = rec.status as PipelineRunStatus | undefined;
  const c = succeededCondition(status);
  if (c?.status === 'True') return { kind: 'nothing', from: run, message: `PipelineRun ${run} succeeded: nothing to retry` };
  const { facts, parents } = retryFacts(status);
  const d = decideRetry(facts, parents);
  const reused: ReusedTask[] = [];
  for (const t of d.reuse) {
    const taskRuns = (status?.taskRuns ?? []).filter((r) => r.pipelineTaskName === t);
    if (taskRuns.length > 0) reused.push({ pipelineTaskName: t, from: run, taskRuns });
  }
  const name = newName(run, opts, root);
  return { kind: 'retry', from: run, name, rerun: d.rerun, reuse: d.reuse, plan: await retryPlan(root, rec, name, reused) };
}

/** Plans and runs the retry of `run` (see planRetryFailedRun); nothing runs when it succeeded. */
export async function retryFailedRun(root: string, run: string, engines: Engines, opts: ExecuteRunsOptions & RetryOptions): Promise<{ retry: NothingToRetry | RetryPlanned; outcome?: RunOutcome }> {
  const retry = await planRetryFailedRun(root, run, opts);
  if (retry.kind === 'nothing') return { retry };
  const errors = retry.plan.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new PlumbingError('RETRY_INVALID', `the retry of ${run} does not pass plumbing check: ${first.file}:${first.line}:${first.column} ${first.code} ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
  }
  const [outcome] = await executeRuns(retry.plan, engines, opts);
  return outcome ? { retry, outcome } : { retry };
}
