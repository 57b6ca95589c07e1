/**
 * The command line that runs a step with an image's root filesystem as `/`: a user and mount
 * namespace (`unshare`) in which the cached rootfs is the read-only lower layer of an overlay
 * with a per-step writable upper layer (unprivileged overlayfs, Linux 5.11+; bubblewrap 0.8 has
 * no --overlay), then bubblewrap inside it as today: /proc, /dev, a private /tmp, the run's
 * Tekton paths bound in, the host network, and the image's user mapped in a nested user
 * namespace (`--uid/--gid`): every image file belongs to the step's user there.
 */
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';

export interface BindMount {
  /** Path inside the step. */
  target: string;
  /** Host path. */
  source: string;
  readOnly: boolean;
}

/** Host programs the image sandbox needs (absolute paths). */
export interface ImageSandboxTools {
  unshare: string;
  mount: string;
  sh: string;
  bwrap: string;
}

export interface ImageStepCommand {
  /** The unpacked rootfs (lower layer, never written). */
  rootfs: string;
  /** A per-step directory for the overlay's upper, work and merged dirs (created by the caller, empty). */
  scratch: string;
  uid: number;
  gid: number;
  /** Bound over the image, parents before children. */
  mounts: readonly BindMount[];
  /** Directories created in the step's view (e.g. a WorkingDir the image lacks). */
  dirs?: readonly string[];
  cwd: string;
  argv: readonly string[];
}

/** Scratch directories of an image step: create them (empty) before spawning. */
export function overlayDirs(scratch: string): { upper: string; work: string; merged: string } {
  return { upper: join(scratch, 'upper'), work: join(scratch, 'work'), merged: join(scratch, 'merged') };
}

/** Host files a pod gets from its runtime: name resolution as the host has it. */
const HOST_FILES = ['/etc/resolv.conf', '/etc/hosts'];

/** `file` + `args` to spawn (the step's environment is passed through as the spawn's env). */
export function imageStepCommand(tools: ImageSandboxTools, o: ImageStepCommand): { file: string; args: string[] } {
  const { upper, work, merged } = overlayDirs(o.scratch);
  for (const p of [o.rootfs, upper, work]) {
    if (/[,:\\]/.test(p)) throw new PlumbingError('OCI_PATH_UNSUPPORTED', `overlay layer path ${p} contains ',', ':' or '\\'; move the cache (PLUMBING_CACHE) or the run directory`);
  }
  const bwrap = ['--bind', merged, '/', '--proc', '/proc', '--dev-bind', '/dev', '/dev', '--tmpfs', '/tmp'];
  for (const f of HOST_FILES) bwrap.push('--ro-bind-try', f, f);
  const sorted = [...o.mounts].sort((a, b) => depth(a.target) - depth(b.target));
  for (const m of sorted) bwrap.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  for (const d of o.dirs ?? []) bwrap.push('--dir', d);
  if (o.uid !== 0 || o.gid !== 0) bwrap.push('--unshare-user', '--uid', String(o.uid), '--gid', String(o.gid));
  bwrap.push('--die-with-parent', '--unshare-pid', '--chdir', o.cwd, '--', ...o.argv);
  const script = `${tools.mount} -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4" && shift 4 && exec "$@"`;
  return {
    file: tools.unshare,
    args: ['--user', '--map-root-user', '--mount', '--', tools.sh, '-c', script, 'plumbing-image-step', o.rootfs, upper, work, merged, tools.bwrap, ...bwrap],
  };
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}
