/**
 * The steps of a TaskRun in order (§4.1): after an abort the rest wait (PodInitializing), after a
 * failure they are skipped; results are read after every step (later values win) and the
 * termination-message limit is enforced; then the task results from files and step results (§5).
 */
import type { ExecOptions, TaskRunResultValue } from '../contracts.js';
import { runOneStep, type StepContext, type StepRecord } from '../step/task-step-exec.js';
import { mentionsArtifacts, type PreparedStep, type PreparedTask } from './task-prepare.js';
import { declaredType, MAX_RESULT_SIZE, parseDeclared, readResultFiles, resultsMode, terminationMessageSize } from './task-results.js';

export interface FailedStep {
  step: PreparedStep;
  exitCode: number;
  message?: string;
  timedOut: boolean;
}

export interface StepsOutcome {
  records: StepRecord[];
  /** Task result name → raw value, as last written. */
  rawResults: Map<string, string>;
  failed: FailedStep | undefined;
}

const TERMINATION_MESSAGE_TOO_BIG = 'Termination message is above max allowed size 4096, caused by large task result.';

function waitingRecord(step: PreparedStep): StepRecord {
  return { step, state: { name: step.name || `unnamed-${step.index}`, container: step.container, waiting: { reason: 'PodInitializing' } } };
}

function skippedRecord(step: PreparedStep, at: string): StepRecord {
  return {
    step,
    state: {
      name: step.name || `unnamed-${step.index}`,
      container: step.container,
      terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at },
      terminationReason: 'Skipped',
    },
  };
}

/**
 * Reads the task results after a step; with termination-message results, a step whose results
 * exceed the limit fails (returned as the failure).
 */
async function collectAfterStep(ctx: StepContext, prepared: PreparedTask, opts: ExecOptions, rec: StepRecord, rawResults: Map<string, string>): Promise<FailedStep | undefined> {
  const taskResultNames = prepared.results.map((r) => r.name);
  const artifacts = prepared.steps.some(mentionsArtifacts);
  if (!taskResultNames.length && !rec.stepResults?.length && !artifacts) return undefined;
  const got = taskResultNames.length ? await readResultFiles(ctx.hostPaths.results, taskResultNames) : new Map<string, string>();
  for (const [k, v] of got) rawResults.set(k, v);
  if (resultsMode(opts).resultsFrom !== 'termination-message') return undefined;
  const entries = [...got].map(([key, value]) => ({ key, value }));
  for (const r of rec.stepResults ?? []) entries.push({ key: r.name, value: typeof r.value === 'string' ? r.value : JSON.stringify(r.value) });
  // appendArtifactOutputs: the step's and the task's provenance.json travel in the same message
  if (rec.artifactsText !== undefined) entries.push({ key: `/tekton/run/${rec.step.index}/status/artifacts/provenance.json`, value: rec.artifactsText });
  if (artifacts) {
    const task = await readResultFiles(ctx.hostPaths.artifacts, ['provenance.json']);
    for (const v of task.values()) entries.push({ key: '/tekton/artifacts/provenance.json', value: v });
  }
  if (!entries.length || terminationMessageSize(entries, rec.state.terminated?.startedAt ?? '') <= MAX_RESULT_SIZE) return undefined;
  const t = rec.state.terminated;
  if (t) rec.state.terminated = { ...t, exitCode: 1, reason: 'Error', message: TERMINATION_MESSAGE_TOO_BIG };
  rec.state.terminationReason = 'Error';
  return { step: rec.step, exitCode: 1, message: TERMINATION_MESSAGE_TOO_BIG, timedOut: false };
}

export async function runSteps(ctx: StepContext, prepared: PreparedTask, opts: ExecOptions): Promise<StepsOutcome> {
  const records: StepRecord[] = [];
  const rawResults = new Map<string, string>();
  let failed: FailedStep | undefined;
  for (const step of prepared.steps) {
    if (ctx.signal.aborted) {
      records.push(waitingRecord(step));
      continue;
    }
    if (failed) {
      records.push(skippedRecord(step, ctx.now()));
      continue;
    }
    const rec = await runOneStep(ctx, step, records);
    records.push(rec);
    if (rec.aborted) continue;
    const tooBig = await collectAfterStep(ctx, prepared, opts, rec, rawResults);
    if (tooBig) {
      failed = tooBig;
      continue;
    }
    const t = rec.state.terminated;
    if (rec.failed && t) failed = { step, exitCode: t.exitCode, timedOut: rec.state.terminationReason === 'TimeoutExceeded', ...(rec.failMessage ? { message: rec.failMessage } : {}) };
  }
  return { records, rawResults, failed };
}

/** Task results: files, then `value: $(steps.s.results.r)`. */
export function taskResults(prepared: PreparedTask, outcome: StepsOutcome): TaskRunResultValue[] {
  const results: TaskRunResultValue[] = [];
  for (const d of prepared.results) {
    const type = declaredType(d);
    const raw = outcome.rawResults.get(d.name);
    if (raw !== undefined) {
      results.push({ name: d.name, type, value: parseDeclared(type, raw) });
      continue;
    }
    if (typeof d.value === 'string') {
      const m = /^\$\(steps\.([^.]+)\.results\.([^.)]+)\)$/.exec(d.value.trim());
      const src = m ? outcome.records.find((r) => r.step.name === m[1])?.stepResults?.find((x) => x.name === m[2]) : undefined;
      if (src) results.push({ name: d.name, type, value: src.value });
    }
  }
  return results;
}
