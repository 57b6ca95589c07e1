/**
 * One step of a TaskRun, end to end: runtime substitution of previous step results (§3.2, env,
 * command and args only), step `when`, the argv the image would run (script / command /
 * entrypoint), environment, working directory, the mount namespace, the process, the exit code
 * file and the step's results.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type EnvVar, type ParamValue, parseGoDuration } from '@plumbing/model';
import type { ImageTool, RunEvent, StepState, TaskRunRequest } from '../contracts.js';
import { imageToolFor } from './image-tools.js';
import { bwrapArgs, type Mount, type SandboxInfo, toHostPath } from './sandbox.js';
import { runStepProcess } from './step-runtime.js';
import { DEFAULT_SCRIPT_PREAMBLE, entrypointArgv, type HostTools, imageFamily, parseShebang, resolveInterpreter, STEP_PATH } from './step-shell.js';
import { applyReplacementsAsString, applyToList, stepResultReplacements } from '../substitution/substitute.js';
import { mentionsArtifacts, type PreparedStep, type TaskPaths } from '../taskrun/task-prepare.js';
import { declaredType, parseDeclared, readResultFiles } from '../taskrun/task-results.js';

export interface StepContext {
  req: TaskRunRequest;
  /** The run's private host directory (Tekton's /tekton, the steps' private roots): on tmpfs when there is one. */
  root: string;
  /** Where the implicit /workspace and the task's emptyDir volumes live: on disk (they may hold a lot). */
  diskRoot: string;
  hostPaths: TaskPaths;
  sandbox: SandboxInfo | undefined;
  tools: HostTools;
  /** Tools images provide that the host has under other names (ExecOptions.imageTools). */
  imageTools?: readonly ImageTool[] | undefined;
  /** Aborted on TaskRun timeout or cancellation. */
  signal: AbortSignal;
  emit: (e: RunEvent) => void;
  now: () => string;
  podName: string;
}

export interface StepRecord {
  step: PreparedStep;
  state: StepState;
  stepResults?: { name: string; type: 'string' | 'array' | 'object'; value: ParamValue }[];
  /** The step failed the TaskRun (non-zero exit without continue, step timeout, missing tool). */
  failed?: boolean;
  failMessage?: string;
  /** Interrupted by the TaskRun timeout or cancellation. */
  aborted?: boolean;
}

/**
 * Kubernetes `$(VAR)` expansion of command, args and env values (third_party/forked/golang/expansion):
 * `$$` ⇒ `$`, `$(NAME)` ⇒ the container env value when defined, else verbatim.
 */
export function expandK8s(s: string, env: ReadonlyMap<string, string>): string {
  if (!s.includes('$')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '(') {
      const close = s.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i++;
      } else {
        const name = s.slice(i + 2, close);
        out += env.get(name) ?? `$(${name})`;
        i = close;
      }
    } else {
      out += `$${n}`;
      i++;
    }
  }
  return out;
}

/**
 * Steps that mention Tekton's paths literally (they only exist inside the sandbox); the run's own
 * host directory (what the path variables became) is not a mention.
 */
export function literalPathSteps(steps: readonly PreparedStep[], runRoot: string, workspace: string): string[] {
  const re = /\/tekton\/|\/workspace(\/|\b)/;
  return steps
    .filter((s) => {
      const st = s.step;
      const texts = [st.script ?? '', ...(st.command ?? []), ...(st.args ?? []), st.workingDir ?? '', ...(st.env ?? []).map((e) => e.value ?? '')];
      return texts.some((t) => re.test(t.split(`${runRoot}/tekton/`).join('/').split(workspace).join('')));
    })
    .map((s) => s.container);
}

function whenAllows(when: NonNullable<PreparedStep['step']['when']>): boolean {
  return when.every((w) => {
    if (w.cel !== undefined) return true;
    const hit = (w.values ?? []).includes(w.input ?? '');
    return w.operator === 'notin' ? !hit : hit;
  });
}

function stepEnv(ctx: StepContext, env: readonly EnvVar[] | undefined, home: string, tool: ImageTool | undefined): { env: Record<string, string>; defined: Map<string, string> } {
  const out: Record<string, string> = { PATH: tool ? `${tool.binDir}:${STEP_PATH}` : STEP_PATH, HOSTNAME: ctx.podName, HOME: home };
  const defined = new Map<string, string>();
  for (const e of env ?? []) {
    let v: string | undefined;
    if (e.value !== undefined) v = expandK8s(e.value, defined);
    else if (e.valueFrom?.fieldRef) {
      const f = e.valueFrom.fieldRef.fieldPath;
      v = f === 'metadata.name' ? ctx.podName : f === 'metadata.namespace' ? ctx.req.namespace : f === 'spec.serviceAccountName' ? (ctx.req.serviceAccountName ?? 'default') : undefined;
    } else if (e.valueFrom) {
      const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
      if (!ref?.optional) ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}": env ${e.name} comes from a Secret/ConfigMap, which does not exist locally; it is left unset` });
    } else v = '';
    if (v === undefined) continue;
    if (v === '' && e.name === 'PATH') continue;
    defined.set(e.name, v);
    out[e.name] = v;
  }
  return { env: out, defined };
}

/** Runs one step (its predecessors' records give the step-result values). */
export async function runOneStep(ctx: StepContext, ps: PreparedStep, previous: readonly StepRecord[]): Promise<StepRecord> {
  const sb = ctx.sandbox;
  const logName = ps.name || `unnamed-${ps.index}`;
  const state: StepState = { name: logName, container: ps.container };
  const rec: StepRecord = { step: ps, state };
  const image = ps.step.image;
  const fail = async (exitCode: number, message: string): Promise<StepRecord> => {
    const at = ctx.now();
    await writeFile(join(ctx.req.logDir, `${logName}.log`), `plumbing: ${message}\n`, { flag: 'a' });
    state.terminated = { exitCode, reason: 'Error', message, startedAt: at, finishedAt: at };
    state.terminationReason = 'Error';
    rec.failed = true;
    rec.failMessage = message;
    ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${logName}": ${message}` });
    ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: logName, exitCode, reason: 'Error', at });
    return rec;
  };

  // runtime substitution of $(steps.<s>.results.<r>) in env, command, args, when
  let step = ps.step;
  const prior = previous.filter((r) => r.stepResults?.length && r.step.name).map((r) => ({ step: r.step.name, results: r.stepResults! }));
  if (prior.length) {
    const table = stepResultReplacements(prior);
    step = { ...step };
    if (step.command) step.command = applyToList(step.command, table);
    if (step.args) step.args = applyToList(step.args, table);
    if (step.env) step.env = step.env.map((e) => (e.value === undefined ? e : { ...e, value: applyReplacementsAsString(e.value, table) }));
    if (step.when) step.when = step.when.map((w) => ({ ...w, ...(w.input !== undefined ? { input: applyReplacementsAsString(w.input, table) } : {}), ...(w.values ? { values: applyToList(w.values, table) } : {}) }));
  }
  if (step.when?.some((w) => w.cel !== undefined)) {
    ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${logName}": CEL step when expressions are not evaluated locally (taken as true)` });
  }
  if (step.when?.length && !whenAllows(step.when)) {
    const at = ctx.now();
    state.terminated = { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at };
    state.terminationReason = 'Skipped';
    await writeFile(join(ctx.hostPaths.run, String(ps.index), 'status', 'exitCode'), '0');
    ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: logName, exitCode: 0, reason: 'Skipped', at });
    return rec;
  }

  const paths = sb ? { workspace: '/workspace', scripts: '/tekton/scripts' } : { workspace: ctx.hostPaths.workspace, scripts: ctx.hostPaths.scripts };
  const family = imageFamily(image);

  // the mount table (also used to map step paths to host paths)
  // (few mounts: each bind costs; /tekton is one bind with /tekton/run read-only but the step's own dir)
  const imageTool = imageToolFor(ctx.imageTools, image);
  const mounts: Mount[] = [
    // first, so that workspaces inside those directories stay writable
    ...(imageTool ? [imageTool.binDir, ...imageTool.mounts].map((d) => ({ target: d, source: d, readOnly: true })) : []),
    { target: '/workspace', source: ctx.hostPaths.workspace, readOnly: false },
    ...ps.workspaces.map((w) => ({ target: w.mountPath, source: w.hostPath, readOnly: w.readOnly })),
    { target: '/tekton', source: dirname(ctx.hostPaths.results), readOnly: false },
    { target: '/tekton/run', source: ctx.hostPaths.run, readOnly: true },
    { target: `/tekton/run/${ps.index}`, source: join(ctx.hostPaths.run, String(ps.index)), readOnly: false },
  ];
  for (const v of ps.volumes) {
    const source = join(ctx.diskRoot, 'volumes', v.volume, v.subPath ?? '');
    await mkdir(source, { recursive: true });
    mounts.push({ target: v.mountPath, source, readOnly: v.readOnly });
  }
  const privateRoot = join(ctx.root, 'root', String(ps.index));
  // unsandboxed, literal Tekton paths are mapped through the same table where they can be
  const hostOf = (p: string): string => toHostPath(mounts, p) ?? p;

  // environment
  const home = sb ? '/root' : privateRoot;
  const { env, defined } = stepEnv(ctx, step.env, home, imageTool);
  if (step.envFrom?.length) ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}" step "${logName}": envFrom (Secrets/ConfigMaps) does not exist locally and is ignored` });
  const argsIn = (step.args ?? []).map((a) => expandK8s(a, defined));

  // argv
  let argv: string[];
  if (step.script !== undefined) {
    const sheb = parseShebang(step.script);
    const text = sheb ? step.script.replace(/^\s+/, '') : DEFAULT_SCRIPT_PREAMBLE + step.script;
    const interp = await resolveInterpreter(ctx.tools, family, sheb?.interp ?? '/bin/sh', sheb?.args ?? []);
    if ('missing' in interp) return fail(127, `the script's interpreter "${interp.shown}" needs "${interp.missing}", which is not installed on this host`);
    const file = `script-${ps.index}-${Math.random().toString(36).slice(2, 7)}`;
    // small per-step files are written synchronously: an async write costs more main-thread time
    // (FileHandle, promise, threadpool round trip) than the three syscalls it makes
    writeFileSync(join(ctx.hostPaths.scripts, file), text, { mode: 0o755 });
    argv = [...interp.argv, `${paths.scripts}/${file}`, ...argsIn];
  } else if (step.command?.length) {
    const cmd = step.command.map((c) => expandK8s(c, defined));
    const c0 = cmd[0]!;
    const base = c0.slice(c0.lastIndexOf('/') + 1);
    if (base === 'sh' || base === 'ash') {
      const interp = await resolveInterpreter(ctx.tools, family, c0, []);
      if ('missing' in interp) return fail(127, `command "${c0}" needs "${interp.missing}", which is not installed on this host`);
      argv = [...interp.argv, ...cmd.slice(1), ...argsIn];
    } else {
      const mapped = sb && c0.startsWith('/') ? toHostPath(mounts, c0) : undefined;
      const found = mapped ? await ctx.tools.find(mapped) : await ctx.tools.find(c0, imageTool?.binDir);
      if (!found) return fail(127, `command "${c0}" is not installed on this host (image "${image}" is not pulled; its tools come from the host)`);
      argv = [mapped ? c0 : found, ...cmd.slice(1), ...argsIn];
    }
  } else {
    const ep = entrypointArgv(image, argsIn);
    if (!ep) return fail(127, `image "${image}" has no known entrypoint here: give the step a script or a command`);
    const first = ep[0]!;
    const interp = first === 'sh' ? await resolveInterpreter(ctx.tools, family, first, []) : undefined;
    if (interp && 'missing' in interp) return fail(127, `entrypoint "${first}" needs "${interp.missing}", which is not installed on this host`);
    const found = interp ? undefined : await ctx.tools.find(first, imageTool?.binDir);
    if (!interp && !found) return fail(127, `command "${first}" is not installed on this host (image "${image}" is not pulled; its tools come from the host)`);
    argv = interp ? [...interp.argv, ...ep.slice(1)] : [found!, ...ep.slice(1)];
  }

  // working directory: relative ⇒ under /workspace; dirs under mounts are created
  let cwd = step.workingDir ?? '';
  const dirs: string[] = [];
  if (!cwd) {
    cwd = sb ? '/' : privateRoot;
  } else {
    if (!cwd.startsWith('/')) cwd = `${paths.workspace}/${cwd}`;
    if (sb) {
      const h = toHostPath(mounts, cwd);
      if (h) await mkdir(h, { recursive: true });
      else dirs.push(cwd);
    } else if (cwd.startsWith(ctx.root) || cwd.startsWith(ctx.diskRoot) || ps.workspaces.some((w) => cwd.startsWith(w.hostPath))) {
      await mkdir(cwd, { recursive: true });
    } else if (toHostPath(mounts, cwd)) {
      cwd = toHostPath(mounts, cwd)!;
      await mkdir(cwd, { recursive: true });
    } else {
      cwd = join(privateRoot, cwd);
      await mkdir(cwd, { recursive: true });
    }
  }

  // run it
  const logPath = join(ctx.req.logDir, `${logName}.log`);
  const stdoutPath = step.stdoutConfig?.path ? hostOf(step.stdoutConfig.path) : undefined;
  const stderrPath = step.stderrConfig?.path ? hostOf(step.stderrConfig.path) : undefined;
  const timeoutMs = step.timeout ? parseGoDuration(step.timeout) : undefined;
  const startedAt = ctx.now();
  state.running = { startedAt };
  ctx.emit({ type: 'step-start', taskRun: ctx.req.name, step: logName, ...(image ? { image } : {}), at: startedAt });
  const outcome = await runStepProcess({
    file: sb ? sb.bwrap! : argv[0]!,
    args: sb ? bwrapArgs(sb, mounts, { cwd, dirs }, argv) : argv.slice(1),
    env,
    cwd: sb ? ctx.root : cwd,
    logPath,
    ...(stdoutPath ? { stdoutPath } : {}),
    ...(stderrPath ? { stderrPath } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    signal: ctx.signal,
    onOutput: (stream, text) => ctx.emit({ type: 'step-output', taskRun: ctx.req.name, step: logName, stream, text }),
  });
  const finishedAt = ctx.now();
  if (outcome.aborted && !outcome.timedOut) {
    rec.aborted = true;
    return rec;
  }
  delete state.running;
  const statusDir = join(ctx.hostPaths.run, String(ps.index), 'status');
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
  if (!rec.failed) writeFileSync(join(statusDir, 'exitCode'), String(exitCode));
  state.terminated = { exitCode, reason: exitCode === 0 || reason === 'Continued' ? 'Completed' : 'Error', startedAt, finishedAt };
  state.terminationReason = reason;
  ctx.emit({ type: 'step-end', taskRun: ctx.req.name, step: logName, exitCode, reason, at: finishedAt });

  // step results and artifacts
  const declared = step.results ?? [];
  if (declared.length) {
    const got = await readResultFiles(join(statusDir, 'results'), declared.map((d) => d.name));
    rec.stepResults = declared.filter((d) => got.has(d.name)).map((d) => ({ name: d.name, type: declaredType(d), value: parseDeclared(declaredType(d), got.get(d.name)!) }));
    if (rec.stepResults.length) state.results = rec.stepResults;
  }
  if (mentionsArtifacts(ps)) {
    try {
      const prov = JSON.parse(await readFile(join(statusDir, 'artifacts', 'provenance.json'), 'utf8')) as { inputs?: unknown[]; outputs?: unknown[] };
      if (prov.inputs) state.inputs = prov.inputs;
      if (prov.outputs) state.outputs = prov.outputs;
    } catch {
      // no step artifacts
    }
  }
  return rec;
}
