/**
 * A step in its pulled image: whether it runs there (`--images`, see step-images.ts), the command
 * line (overlay rootfs + bwrap, see @plumbing/oci), the argv by Kubernetes' entrypoint rules (a
 * script runs by its shebang inside the image), the image's Env under the step's, its WorkingDir
 * and User. step-launch.ts calls `imageStep` before it falls back to the host's tools.
 */
import { writeFileSync } from 'node:fs';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Step } from '@plumbing/model';
import { imageArgv, imageEnv, resolveUser } from '@plumbing/oci';
import type { PreparedStep } from '../taskrun/task-prepare.js';
import { type Mount, toHostPath } from './sandbox.js';
import type { StepContext } from './step-context.js';
import { expandK8s } from './step-env.js';
import type { ImageChoice, StepImages } from './step-images.js';
import { DEFAULT_SCRIPT_PREAMBLE, parseShebang } from './step-shell.js';

export interface ImageLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Host cwd for spawn. */
  cwd: string;
  image: {
    /** `<reference>@<digest>`, recorded as the step's imageID. */
    id: string;
    /** `<reference>@sha256:<12 hex> (pulled|cached)`, shown when the step starts. */
    runsIn: string;
    /** Hands the step's overlay back after the step: unmounted and removed in the background. */
    release: () => void;
  };
}

export interface ImageStepInput {
  ctx: StepContext;
  ps: PreparedStep;
  /** The step, its runtime substitutions applied. */
  step: Step;
  mounts: readonly Mount[];
  /** The step's own env (after expansion). */
  defined: ReadonlyMap<string, string>;
  argsIn: readonly string[];
  /** The step uses an image tool (ExecOptions.imageTools): it runs with the host's tools. */
  hasImageTool: boolean;
}

/** A step that cannot start in its image (pull refused, no sandbox for images, bad User). */
interface ImageRefusal {
  refused: { exitCode: number; message: string };
}

/** The step in its pulled image, why it cannot run, or undefined: with the host's tools. */
export async function imageStep(i: ImageStepInput): Promise<ImageLaunch | ImageRefusal | undefined> {
  const { ctx, step } = i;
  const image = step.image;
  if (!ctx.images || !image || !ctx.sandbox || i.hasImageTool) return undefined;
  const choice = await ctx.images.choose(image, ctx.req.serviceAccountName);
  if (choice.kind === 'error') return { refused: { exitCode: 1, message: `${choice.error.message}${choice.error.hint ? ` (${choice.error.hint})` : ''}` } };
  if (choice.kind === 'host') {
    if (choice.warn && ctx.images.firstWarning(image)) ctx.emit({ type: 'warning', message: `image ${image}: ${choice.reason}; its steps run with the host's tools` });
    return undefined;
  }
  try {
    return await imageLaunch(i, ctx.images, choice);
  } catch (err) {
    return { refused: { exitCode: 1, message: err instanceof Error ? err.message : String(err) } };
  }
}

const OWNERS_APPROXIMATED = 'plumbing keeps layer owners only when it runs as root, with util-linux setpriv';

/**
 * A non-root step where files keep their owners: the run's own writable directories (what a pod
 * has as emptyDirs: /workspace, /tekton/results, /tekton/home, step dirs, emptyDir volumes and
 * workspaces) are writable by all, as a kubelet makes emptyDirs; directories given by the user
 * are left as they are.
 */
async function openRunDirs(ctx: StepContext, mounts: readonly Mount[]): Promise<void> {
  const { hostPaths: p } = ctx;
  const steps = await readdir(p.steps).catch(() => []);
  const own = (d: string): boolean => d.startsWith(`${ctx.root}/`) || d.startsWith(`${ctx.diskRoot}/`);
  const writable = mounts.filter((m) => !m.readOnly && own(m.source) && m.source !== dirname(p.results)).map((m) => m.source);
  const dirs = [...writable, p.results, p.home, p.steps, ...steps.map((s) => join(p.steps, s))];
  await Promise.all(dirs.map((d) => chmod(d, 0o777).catch(() => undefined)));
}

/** Builds the step's launch (writes its script file, creates its overlay dirs). */
async function imageLaunch(i: ImageStepInput, images: StepImages, choice: Extract<ImageChoice, { kind: 'image' }>): Promise<ImageLaunch> {
  const { ctx, ps, step } = i;
  const { image, sandbox } = choice;
  const name = image.references.at(-1) ?? image.manifestDigest;
  const user = resolveUser(image.rootfs, image.config.User, name);
  let argv: string[];
  if (step.script !== undefined) {
    const sheb = parseShebang(step.script);
    const text = sheb ? step.script.replace(/^\s+/, '') : DEFAULT_SCRIPT_PREAMBLE + step.script;
    const file = `script-${ps.index}-${Math.random().toString(36).slice(2, 7)}`;
    writeFileSync(join(ctx.hostPaths.scripts, file), text, { mode: 0o755 });
    argv = [`/tekton/scripts/${file}`, ...i.argsIn];
  } else {
    const command = step.command?.map((c) => expandK8s(c, i.defined));
    argv = imageArgv(image.config, command, i.argsIn, name);
  }
  let cwd = step.workingDir || image.config.WorkingDir || '/';
  if (!cwd.startsWith('/')) cwd = `/workspace/${cwd}`;
  const dirs: string[] = [];
  const onHost = toHostPath(i.mounts, cwd);
  if (onHost) await mkdir(onHost, { recursive: true });
  else if (cwd !== '/') dirs.push(cwd);
  const env: Record<string, string> = { ...Object.fromEntries(imageEnv(image.config)), HOSTNAME: ctx.podName, HOME: user.home };
  for (const [k, v] of i.defined) env[k] = v;
  const ns = await images.namespace(sandbox.tools);
  const owners = image.owners === true && ns.keepsOwners;
  if (!owners && images.firstWarning(`owners of ${image.manifestDigest}`)) {
    ctx.emit({ type: 'warning', message: `image ${name}: file ownership is approximated (${OWNERS_APPROXIMATED}): every image file belongs to the step's user` });
  }
  if (owners && (user.uid !== 0 || user.gid !== 0)) await openRunDirs(ctx, i.mounts);
  const overlay = await ns.overlay(image.rootfs);
  const cmd = ns.stepCommand(overlay, { uid: user.uid, gid: user.gid, mounts: i.mounts, dirs, cwd, argv }, owners);
  const ref = image.references.at(-1)?.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[^/:]+$/, '') ?? '';
  const id = `${ref}@${image.manifestDigest}`;
  const runsIn = `${id.slice(0, id.indexOf('@') + 20)} (${choice.source})`;
  return { ...cmd, env, cwd: ctx.root, image: { id, runsIn, release: () => ns.release(overlay) } };
}
