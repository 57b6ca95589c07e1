/** Whether this host can run steps in images: unshare, nsenter, mount, sh and bwrap, and unprivileged overlayfs. */
import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BindMount, ImageSandboxTools } from './run-args.js';
import { ImageNamespace } from './image-namespace.js';

export type ImageSandbox = { available: true; tools: ImageSandboxTools } | { available: false; reason: string };

async function find(name: string): Promise<string | undefined> {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin']) {
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

let detected: Promise<ImageSandbox> | undefined;

/** Detected once per process (a property of the host): finds the tools and runs `true` in an overlay. */
export function detectImageSandbox(): Promise<ImageSandbox> {
  detected ??= (async (): Promise<ImageSandbox> => {
    const [unshare, nsenter, mount, sh, bwrap, perl, setpriv] = await Promise.all(['unshare', 'nsenter', 'mount', 'sh', 'bwrap', 'perl', 'setpriv'].map(find));
    if (!unshare || !nsenter || !mount || !sh) return { available: false, reason: 'unshare, nsenter, mount and sh (util-linux, dash) are needed to run steps in images' };
    if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed (Debian package "bubblewrap")' };
    const tools = { unshare, nsenter, mount, sh, bwrap, ...(perl ? { perl } : {}), ...(setpriv ? { setpriv } : {}) };
    const dir = await mkdtemp(join(tmpdir(), 'plumbing-overlay-probe-'));
    try {
      const rootfs = join(dir, 'lower');
      await mkdir(rootfs);
      // the host's own `true` with its libraries bound in
      const mounts = ['/usr', '/lib', '/lib64'].filter((d) => existsSync(d)).map((d) => ({ target: d, source: d, readOnly: true }));
      const err = await probe(tools, rootfs, join(dir, 'scratch'), mounts);
      return err === undefined ? { available: true, tools } : { available: false, reason: `cannot make an overlay root filesystem in a user namespace here: ${err}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return detected;
}

/** Runs the host's `true` in an overlay of `rootfs` as a step would; the error, or undefined. */
async function probe(tools: ImageSandboxTools, rootfs: string, scratchRoot: string, mounts: BindMount[]): Promise<string | undefined> {
  let ns: ImageNamespace | undefined;
  try {
    await mkdir(scratchRoot);
    ns = await ImageNamespace.start(tools, { scratchRoot, mountAhead: false });
    const overlay = await ns.overlay(rootfs);
    const cmd = ns.stepCommand(overlay, { uid: 0, gid: 0, mounts, cwd: '/', argv: ['/usr/bin/true'] });
    return await new Promise<string | undefined>((resolve) => {
      execFile(cmd.file, cmd.args, { timeout: 30_000 }, (e, _out, stderr) => resolve(e ? String(stderr).trim() || e.message : undefined));
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await ns?.close();
  }
}
