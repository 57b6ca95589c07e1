/**
 * A step in its pulled image: the command line (overlay rootfs + bwrap, see @plumbing/oci), the
 * argv by Kubernetes' entrypoint rules (a script runs by its shebang inside the image), the
 * image's Env under the step's, its WorkingDir and User.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { imageArgv, imageEnv, imageStepCommand, overlayDirs, resolveUser } from '@plumbing/oci';
import { type Mount, toHostPath } from './sandbox.js';
import type { ImageChoice } from './step-images.js';
import { DEFAULT_SCRIPT_PREAMBLE, parseShebang } from './step-shell.js';
import type { PreparedStep, TaskPaths } from '../taskrun/task-prepare.js';

export interface ImageLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Host cwd for spawn. */
  cwd: string;
  /** The per-step overlay directories, removed after the step. */
  scratch: string;
  /** `<reference>@<digest>`, recorded as the step's imageID. */
  imageID: string;
}

export interface ImageLaunchInput {
  choice: Extract<ImageChoice, { kind: 'image' }>;
  ps: PreparedStep;
  step: PreparedStep['step'];
  /** The step's command, `$(VAR)`-expanded. */
  command: string[] | undefined;
  /** The step's own env (after expansion). */
  defined: ReadonlyMap<string, string>;
  hostname: string;
  argsIn: readonly string[];
  mounts: readonly Mount[];
  hostPaths: TaskPaths;
  /** The run's private directory (tmpfs when there is one). */
  root: string;
}

/** Builds the step's launch (writes its script file, creates its overlay dirs). */
export async function imageLaunch(i: ImageLaunchInput): Promise<ImageLaunch> {
  const { image, sandbox } = i.choice;
  const name = image.references.at(-1) ?? image.manifestDigest;
  const user = resolveUser(image.rootfs, image.config.User, name);
  let argv: string[];
  if (i.step.script !== undefined) {
    const sheb = parseShebang(i.step.script);
    const text = sheb ? i.step.script.replace(/^\s+/, '') : DEFAULT_SCRIPT_PREAMBLE + i.step.script;
    const file = `script-${i.ps.index}-${Math.random().toString(36).slice(2, 7)}`;
    writeFileSync(join(i.hostPaths.scripts, file), text, { mode: 0o755 });
    argv = [`/tekton/scripts/${file}`, ...i.argsIn];
  } else {
    argv = imageArgv(image.config, i.command, i.argsIn, name);
  }
  let cwd = i.step.workingDir || image.config.WorkingDir || '/';
  if (!cwd.startsWith('/')) cwd = `/workspace/${cwd}`;
  const dirs: string[] = [];
  const onHost = toHostPath(i.mounts, cwd);
  if (onHost) await mkdir(onHost, { recursive: true });
  else if (cwd !== '/') dirs.push(cwd);
  const scratch = join(i.root, 'image', String(i.ps.index));
  for (const d of Object.values(overlayDirs(scratch))) mkdirSync(d, { recursive: true });
  const env: Record<string, string> = { ...Object.fromEntries(imageEnv(image.config)), HOSTNAME: i.hostname, HOME: user.home };
  for (const [k, v] of i.defined) env[k] = v;
  const cmd = imageStepCommand(sandbox.tools, { rootfs: image.rootfs, scratch, uid: user.uid, gid: user.gid, mounts: i.mounts, dirs, cwd, argv });
  const ref = image.references.at(-1)?.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[^/:]+$/, '') ?? '';
  return { ...cmd, env, cwd: i.root, scratch, imageID: `${ref}@${image.manifestDigest}` };
}
