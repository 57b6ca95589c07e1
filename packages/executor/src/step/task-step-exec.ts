/**
 * One step of a TaskRun, end to end: runtime substitution of previous step results (§3.2, env,
 * command and args only), step `when`, the process (step-launch.ts says what it is), the exit
 * code file and the step's results.
 */
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyStepArtifacts, applyStepResultsToList, applyStepResultsToString, type Artifacts, parseArtifacts, parseGoDuration, type Step, type StepResultFiles } from '@plumbing/model';
import { mentionsArtifacts, type PreparedStep } from '../taskrun/task-prepare.js';
import { declaredType, parseDeclared, readResultFiles } from '../taskrun/task-results.js';
import type { StepContext, StepRecord } from './step-context.js';
import { whenAllows } from './step-env.js';
import { type StepLaunch, stepLaunch } from './step-launch.js';
import { redactValues, secretValues } from '../taskrun/task-objects.js';
import { runStepProcess, type StepOutcome } from './step-runtime.js';

export type { StepContext, StepRecord } from './step-context.js';
export { expandK8s, literalPathSteps } from './step-env.js';

/** Runtime substitution of `$(steps.<s>.results.<r>)` in env, command, args and when (§3.2, model's step-results.ts). */
function withStepResults(step: Step, previous: readonly StepRecord[]): Step {
  const byStep = new Map<string, ReadonlyMap<string, string>>();
  for (const r of previous) if (r.rawStepResults?.size && r.step.name) byStep.set(r.step.name, r.rawStepResults);
  if (!byStep.size) return step;
  const files: StepResultFiles = (s, r) => byStep.get(s)?.get(r);
  const out = { ...step };
  const command = out.command ? applyStepResultsToList(out.command, files) : undefined;
  const args = out.args ? applyStepResultsToList(out.args, files) : undefined;
  // the entrypoint keeps its whole command line when one reference fails
  if ((!out.command || command) && (!out.args || args)) {
    if (command) out.command = command;
    if (args) out.args = args;
  }
  if (out.env) out.env = out.env.map((e) => (e.value === undefined ? e : { ...e, value: applyStepResultsToString(e.value, files) ?? e.value }));
  if (out.when) {
    out.when = out.when.map((w) => ({
      ...w,
      ...(w.input !== undefined ? { input: applyStepResultsToString(w.input, files) ?? w.input } : {}),
      ...(w.values ? { values: applyStepResultsToList(w.values, files) ?? w.values } : {}),
    }));
  }
  return out;
}

/**
 * Runtime substitution of `$(steps.<s>.inputs|outputs.<a>)` (entrypointer.go
 * applyStepArtifactSubstitutions): in the script, else in command and args (all or nothing, as
 * the entrypoint keeps its command when one reference fails), and in each env value.
 */
function withStepArtifacts(step: Step, previous: readonly StepRecord[]): Step {
  const byStep = new Map<string, Artifacts>();
  for (const r of previous) if (r.artifacts && r.step.name) byStep.set(r.step.name, r.artifacts);
  const out = { ...step };
  if (out.script !== undefined) out.script = applyStepArtifacts(out.script, byStep) ?? out.script;
  else {
    const cmd = [...(out.command ?? []), ...(out.args ?? [])].map((t) => applyStepArtifacts(t, byStep));
    if (cmd.every((t) => t !== undefined)) {
      const n = out.command?.length ?? 0;
      if (out.command) out.command = cmd.slice(0, n) as string[];
      if (out.args) out.args = cmd.slice(n) as string[];
    }
  }
  if (out.env) out.env = out.env.map((e) => (e.value === undefined ? e : { ...e, value: applyStepArtifacts(e.value, byStep) ?? e.value }));
  return out;
}

/** A step that could not start: its log says why, its state is terminated with the exit code. */
async function refusedStep(ctx: StepContext, rec: StepRecord, exitCode: number, message: string): Promise<StepRecord> {
  const logName = rec.state.name;
  const at = ctx.now();
  await writeFile(join(ctx.req.logDir, `${logName}.log`), `plumbing: ${message}\n`, { flag: 'a' });
  rec.state.terminated = { exitCode, reason: 'Error', message, startedAt: at, finishedAt: at };
  rec.state.terminationReason = 'Error';
  rec.failed = true;
  rec.failMessage = message;
  ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${logName}": ${message}` });
  ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: logName, exitCode, reason: 'Error', at });
  return rec;
}

/** Step `when` (no CEL here): false ⇒ the step is skipped with exit code 0. True when skipped. */
async function skippedByWhen(ctx: StepContext, rec: StepRecord, step: Step): Promise<boolean> {
  const logName = rec.state.name;
  if (step.when?.some((w) => w.cel !== undefined)) {
    ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${logName}": CEL step when expressions are not evaluated locally (taken as true)` });
  }
  if (!step.when?.length || whenAllows(step.when)) return false;
  const at = ctx.now();
  rec.state.terminated = { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at };
  rec.state.terminationReason = 'Skipped';
  await writeFile(join(ctx.hostPaths.run, String(rec.step.index), 'status', 'exitCode'), '0');
  ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: logName, exitCode: 0, reason: 'Skipped', at });
  return true;
}

/** Starts the step's process and waits for it (log, tee files, step timeout, abort). */
async function runLaunched(ctx: StepContext, rec: StepRecord, step: Step, launch: StepLaunch): Promise<{ outcome: StepOutcome; startedAt: string }> {
  const logName = rec.state.name;
  const image = step.image;
  const stdoutPath = step.stdoutConfig?.path ? launch.hostOf(step.stdoutConfig.path) : undefined;
  const stderrPath = step.stderrConfig?.path ? launch.hostOf(step.stderrConfig.path) : undefined;
  const timeoutMs = step.timeout ? parseGoDuration(step.timeout) : undefined;
  const startedAt = ctx.now();
  const secrets = secretValues(ctx.req.objects);
  rec.state.running = { startedAt };
  const runsIn = launch.image ? { runsIn: launch.image.runsIn } : {};
  ctx.emit({ type: 'step-start', taskRun: ctx.req.name, step: logName, ...(image ? { image } : {}), ...runsIn, at: startedAt });
  const outcome = await runStepProcess({
    file: launch.file,
    args: launch.args,
    env: launch.env,
    cwd: launch.cwd,
    logPath: join(ctx.req.logDir, `${logName}.log`),
    ...(stdoutPath ? { stdoutPath } : {}),
    ...(stderrPath ? { stderrPath } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    signal: ctx.signal,
    onOutput: (stream, text) => ctx.emit({ type: 'step-output', taskRun: ctx.req.name, step: logName, stream, text }),
    ...(secrets.length ? { redact: (text: string) => redactValues(text, secrets) } : {}),
  });
  launch.image?.release();
  return { outcome, startedAt };
}

/** The step's termination state from its process outcome (Tekton's reasons), and its exitCode file. */
function recordExit(ctx: StepContext, rec: StepRecord, step: Step, outcome: StepOutcome, startedAt: string): void {
  const finishedAt = ctx.now();
  const state = rec.state;
  delete state.running;
  let exitCode = outcome.exitCode;
  let reason: string;
  if (outcome.spawnError) {
    reason = 'Error';
    rec.failed = true;
    rec.failMessage = outcome.spawnError;
  } else if (outcome.timedOut) {
    exitCode = 1;
    reason = 'TimeoutExceeded';
    rec.failed = true;
  } else if (exitCode === 0) {
    reason = 'Completed';
  } else if (step.onError === 'continue') {
    reason = 'Continued';
  } else {
    reason = 'Error';
    rec.failed = true;
  }
  if (!rec.failed) writeFileSync(join(statusDirOf(ctx, rec), 'exitCode'), String(exitCode));
  state.terminated = { exitCode, reason: exitCode === 0 || reason === 'Continued' ? 'Completed' : 'Error', startedAt, finishedAt };
  state.terminationReason = reason;
  ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: state.name, exitCode, reason, at: finishedAt });
}

function statusDirOf(ctx: StepContext, rec: StepRecord): string {
  return join(ctx.hostPaths.run, String(rec.step.index), 'status');
}

/** The step's results and artifacts, read from its status directory. */
async function collectOutputs(ctx: StepContext, rec: StepRecord, step: Step): Promise<void> {
  const statusDir = statusDirOf(ctx, rec);
  const declared = step.results ?? [];
  if (declared.length) {
    const got = await readResultFiles(join(statusDir, 'results'), declared.map((d) => d.name));
    rec.rawStepResults = got;
    rec.stepResults = declared.filter((d) => got.has(d.name)).map((d) => ({ name: d.name, type: declaredType(d), value: parseDeclared(declaredType(d), got.get(d.name)!) }));
    if (rec.stepResults.length) rec.state.results = rec.stepResults;
  }
  if (mentionsArtifacts(rec.step)) {
    let text: string | undefined;
    try {
      text = await readFile(join(statusDir, 'artifacts', 'provenance.json'), 'utf8');
    } catch {
      // no step artifacts
    }
    if (text !== undefined) {
      rec.artifactsText = text;
      try {
        rec.artifacts = parseArtifacts(text);
        if (rec.artifacts.inputs) rec.state.inputs = rec.artifacts.inputs;
        if (rec.artifacts.outputs) rec.state.outputs = rec.artifacts.outputs;
      } catch (e) {
        ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${rec.state.name}": its artifacts are not Tekton's provenance JSON (${(e as Error).message}): ignored` });
      }
    }
  }
}

/** Runs one step (its predecessors' records give the step-result values). */
export async function runOneStep(ctx: StepContext, ps: PreparedStep, previous: readonly StepRecord[]): Promise<StepRecord> {
  const rec: StepRecord = { step: ps, state: { name: ps.name || `unnamed-${ps.index}`, container: ps.container } };
  const step = withStepArtifacts(withStepResults(ps.step, previous), previous);
  if (await skippedByWhen(ctx, rec, step)) return rec;
  const launch = await stepLaunch(ctx, ps, step);
  if ('refused' in launch) return refusedStep(ctx, rec, launch.refused.exitCode, launch.refused.message);
  if (launch.image) rec.state.imageID = launch.image.id;
  const { outcome, startedAt } = await runLaunched(ctx, rec, step, launch);
  if (outcome.aborted && !outcome.timedOut) {
    rec.aborted = true;
    return rec;
  }
  recordExit(ctx, rec, step, outcome, startedAt);
  await collectOutputs(ctx, rec, step);
  return rec;
}
