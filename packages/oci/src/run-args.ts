/**
 * The command line that runs a step with an image's root filesystem as `/`: in a user and mount
 * namespace made once per run (image-namespace.ts) the cached rootfs is the
 * read-only lower layer of an overlay with a per-step writable upper layer (unprivileged
 * overlayfs, Linux 5.11+; bubblewrap 0.8 has no --overlay), then bubblewrap inside it as today: /proc, /dev, a private /tmp, the run's
 * Tekton paths bound in, the host network, and the image's user mapped in a nested user
 * namespace (`--uid/--gid`): every image file belongs to the step's user there.
 */
import { join } from 'node:path';

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
  /** Enters a run's image namespace (image-namespace.ts). */
  nsenter: string;
  /** Optional: a holder that mounts with mount(2) itself instead of a `mount` process per overlay (namespace-holder.ts). */
  perl?: string;
  /** Optional (util-linux): switches a non-root step to its uid where files keep their owners (owners.ts). */
  setpriv?: string;
}

/** How a step runs in its overlay root (ImageNamespace.stepCommand). */
export interface ImageStepOptions {
  uid: number;
  gid: number;
  /** Bound over the image, parents before children. */
  mounts: readonly BindMount[];
  /** Directories created in the step's view (e.g. a WorkingDir the image lacks). */
  dirs?: readonly string[];
  cwd: string;
  argv: readonly string[];
}

/** A step's overlay root, mounted in the run's image namespace (ImageNamespace.overlay). */
export interface StepOverlay {
  /** The unpacked rootfs (lower layer, never written). */
  rootfs: string;
  /** The step's directory: its upper, work and merged dirs (overlayDirs). */
  scratch: string;
  /** The overlay's mount point (the step's `/`). */
  merged: string;
  /** The step's writes outside its mounts. */
  upper: string;
}

/** Scratch directories of an image step: create them (empty) before spawning. */
export function overlayDirs(scratch: string): { upper: string; work: string; merged: string } {
  return { upper: join(scratch, 'upper'), work: join(scratch, 'work'), merged: join(scratch, 'merged') };
}

/** Host files a pod gets from its runtime: name resolution as the host has it. */
const HOST_FILES = ['/etc/resolv.conf', '/etc/hosts'];

/**
 * bwrap's arguments for a step whose overlay root is mounted at `root`: /proc, /dev, a private
 * /tmp, the host's name resolution, the run's mounts, the image's user (a nested user namespace).
 */
export function imageBwrapArgs(root: string, o: ImageStepOptions): string[] {
  const bwrap = ['--bind', root, '/', '--proc', '/proc', '--dev-bind', '/dev', '/dev', '--tmpfs', '/tmp'];
  for (const f of HOST_FILES) bwrap.push('--ro-bind-try', f, f);
  const sorted = [...o.mounts].sort((a, b) => depth(a.target) - depth(b.target));
  for (const m of sorted) bwrap.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  for (const d of o.dirs ?? []) bwrap.push('--dir', d);
  if (o.uid !== 0 || o.gid !== 0) bwrap.push('--unshare-user', '--uid', String(o.uid), '--gid', String(o.gid));
  bwrap.push('--die-with-parent', '--unshare-pid', '--chdir', o.cwd, '--', ...o.argv);
  return bwrap;
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}
