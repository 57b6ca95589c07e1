/**
 * Turns a prepared step into the process to start: the mount table, then either the step in its
 * pulled image (`--images`, image-step.ts) or the argv the image would run (script / command /
 * entrypoint, with the host's tools), the environment and the working directory, wrapped in bwrap
 * when sandboxed. `stepLaunch` is the step runtime's one boundary
 * between "what Tekton says the container runs" and "the process that runs it here".
 */
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageConfig, Step } from '@plumbing/model';
import type { ImageTool } from '../contracts.js';
import type { PreparedStep } from '../taskrun/task-prepare.js';
import { type ImageLaunch, imageStep } from './image-step.js';
import { imageToolFor } from './image-tools.js';
import { bwrapArgs, type Mount, toHostPath } from './sandbox.js';
import type { StepContext } from './step-context.js';
import { expandK8s, stepEnv } from './step-env.js';
import type { StepProcess } from './step-runtime.js';
import { hostEntrypointArgv, stepImageConfig, withImageDefaults } from './host-entrypoint.js';
import { credentialFiles, writeCredentials } from '../taskrun/task-creds.js';
import { DEFAULT_SCRIPT_PREAMBLE, imageFamily, parseShebang, resolveInterpreter } from './step-shell.js';

/** A step that cannot start here (a tool or interpreter missing on the host): exit code and message. */
export interface LaunchRefusal {
  refused: { exitCode: number; message: string };
}

/** The process of a step, without its log and output wiring (added by the caller). */
export type StepLaunch = Pick<StepProcess, 'file' | 'args' | 'env' | 'cwd'> & {
  /** Maps a path as the step sees it to the host path (mounts), or returns it unchanged. */
  hostOf: (p: string) => string;
  /** The pulled image the step runs in (absent: the host's tools). */
  image?: ImageLaunch['image'];
};

/** The mount table (also used to map step paths to host paths): few mounts, as each bind costs. */
async function stepMounts(ctx: StepContext, ps: PreparedStep, imageTool: ImageTool | undefined): Promise<Mount[]> {
  // /tekton is one bind with /tekton/run read-only but the step's own dir
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
  return mounts;
}

interface ArgvInput {
  ctx: StepContext;
  ps: PreparedStep;
  step: Step;
  mounts: Mount[];
  imageTool: ImageTool | undefined;
  defined: ReadonlyMap<string, string>;
  argsIn: string[];
}

async function scriptArgv(a: ArgvInput, script: string): Promise<string[] | LaunchRefusal> {
  const { ctx, ps } = a;
  const sheb = parseShebang(script);
  const text = sheb ? script.replace(/^\s+/, '') : DEFAULT_SCRIPT_PREAMBLE + script;
  const interp = await resolveInterpreter(ctx.tools, imageFamily(a.step.image), sheb?.interp ?? '/bin/sh', sheb?.args ?? []);
  if ('missing' in interp) return refuse(`the script's interpreter "${interp.shown}" needs "${interp.missing}", which is not installed on this host`);
  const file = `script-${ps.index}-${Math.random().toString(36).slice(2, 7)}`;
  // small per-step files are written synchronously: an async write costs more main-thread time
  // (FileHandle, promise, threadpool round trip) than the three syscalls it makes
  writeFileSync(join(ctx.hostPaths.scripts, file), text, { mode: 0o755 });
  const scripts = ctx.sandbox ? '/tekton/scripts' : ctx.hostPaths.scripts;
  return [...interp.argv, `${scripts}/${file}`, ...a.argsIn];
}

async function commandArgv(a: ArgvInput, command: string[]): Promise<string[] | LaunchRefusal> {
  const { ctx } = a;
  const image = a.step.image;
  const cmd = command.map((c) => expandK8s(c, a.defined));
  const c0 = cmd[0]!;
  const base = c0.slice(c0.lastIndexOf('/') + 1);
  if (base === 'sh' || base === 'ash') {
    const interp = await resolveInterpreter(ctx.tools, imageFamily(image), c0, []);
    if ('missing' in interp) return refuse(`command "${c0}" needs "${interp.missing}", which is not installed on this host`);
    return [...interp.argv, ...cmd.slice(1), ...a.argsIn];
  }
  const mapped = ctx.sandbox && c0.startsWith('/') ? toHostPath(a.mounts, c0) : undefined;
  const found = mapped ? await ctx.tools.find(mapped) : await ctx.tools.find(c0, a.imageTool?.binDir);
  if (!found) return refuse(`command "${c0}" is not installed on this host (image "${image}" is not pulled; its tools come from the host)`);
  return [mapped ? c0 : found, ...cmd.slice(1), ...a.argsIn];
}

async function entrypointOf(a: ArgvInput, config: ImageConfig | { unknown: string }): Promise<string[] | LaunchRefusal> {
  const image = a.step.image;
  if ('unknown' in config) return refuse(config.unknown);
  const ep = await hostEntrypointArgv(config, a.argsIn, a.ctx.tools);
  if (ep.length === 0) return refuse(`image "${image}" has no Entrypoint or Cmd and the step has no command or args`);
  const first = ep[0]!;
  const base = first.slice(first.lastIndexOf('/') + 1);
  if (base === 'sh' || base === 'ash' || base === 'bash') {
    const interp = await resolveInterpreter(a.ctx.tools, imageFamily(image), first, []);
    if ('missing' in interp) return refuse(`entrypoint "${first}" of image "${image}" needs "${interp.missing}", which is not installed on this host`);
    return [...interp.argv, ...ep.slice(1)];
  }
  const binDir = a.imageTool?.binDir;
  const found = (await a.ctx.tools.find(first, binDir)) ?? (first.includes('/') ? await a.ctx.tools.find(base, binDir) : undefined);
  if (!found) return refuse(`entrypoint "${first}" of image "${image}" is not installed on this host (the image is not pulled; its tools come from the host)`);
  return [found, ...ep.slice(1)];
}

function refuse(message: string): LaunchRefusal {
  return { refused: { exitCode: 127, message } };
}

/** Working directory: relative ⇒ under /workspace; directories under mounts are created. */
async function stepCwd(ctx: StepContext, ps: PreparedStep, step: Step, mounts: Mount[], privateRoot: string): Promise<{ cwd: string; dirs: string[] }> {
  const sb = ctx.sandbox;
  let cwd = step.workingDir ?? '';
  const dirs: string[] = [];
  if (!cwd) return { cwd: sb ? '/' : privateRoot, dirs };
  if (!cwd.startsWith('/')) cwd = `${sb ? '/workspace' : ctx.hostPaths.workspace}/${cwd}`;
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
  return { cwd, dirs };
}

/** The process a prepared step (its runtime substitutions applied) becomes, or why it cannot start. */
export async function stepLaunch(ctx: StepContext, ps: PreparedStep, stepIn: Step): Promise<StepLaunch | LaunchRefusal> {
  const sb = ctx.sandbox;
  // the host's tools stand for the image: its config from the table (a pulled image brings its own;
  // with --images auto, a step whose image could not be pulled gets only the table's entrypoint)
  const config = ctx.images && sb ? undefined : stepImageConfig(stepIn.image, ctx.imageConfigs);
  const step = config && !('unknown' in config) ? withImageDefaults(stepIn, config) : stepIn;
  const imageTool = imageToolFor(ctx.imageTools, step.image);
  const mounts = await stepMounts(ctx, ps, imageTool);
  const privateRoot = join(ctx.root, 'root', String(ps.index));
  // creds-init: the ServiceAccount's credentials in the step's HOME (sandboxed, HOME is /root: bound to privateRoot)
  if (await writeCredentials(privateRoot, credentialFiles(ctx.req.objects, ctx.req.serviceAccountName ?? 'default')) && sb) {
    mounts.push({ target: '/root', source: privateRoot, readOnly: false });
  }
  const { env, defined } = stepEnv(ctx, step.env, sb ? '/root' : privateRoot, imageTool, step.envFrom);
  const argsIn = (step.args ?? []).map((a) => expandK8s(a, defined));
  // unsandboxed, literal Tekton paths are mapped through the same table where they can be
  const hostOf = (p: string): string => toHostPath(mounts, p) ?? p;
  const inImage = await imageStep({ ctx, ps, step, mounts, defined, argsIn, hasImageTool: imageTool !== undefined });
  if (inImage) return 'refused' in inImage ? inImage : { ...inImage, hostOf };
  const input: ArgvInput = { ctx, ps, step, mounts, imageTool, defined, argsIn };
  const argv = step.script !== undefined ? await scriptArgv(input, step.script) : step.command?.length ? await commandArgv(input, step.command) : await entrypointOf(input, config ?? stepImageConfig(step.image, ctx.imageConfigs));
  if ('refused' in argv) return argv;
  const { cwd, dirs } = await stepCwd(ctx, ps, step, mounts, privateRoot);
  if (sb) return { file: sb.bwrap!, args: bwrapArgs(sb, mounts, { cwd, dirs }, argv), env, cwd: ctx.root, hostOf };
  return { file: argv[0]!, args: argv.slice(1), env, cwd, hostOf };
}
