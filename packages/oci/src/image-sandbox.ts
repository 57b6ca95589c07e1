/** Whether this host can run steps in images: unshare, mount, sh and bwrap, and unprivileged overlayfs. */
import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSandboxTools } from './run-args.js';
import { imageStepCommand, overlayDirs } from './run-args.js';

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
    const [unshare, mount, sh, bwrap] = await Promise.all(['unshare', 'mount', 'sh', 'bwrap'].map(find));
    if (!unshare || !mount || !sh) return { available: false, reason: 'unshare, mount and sh (util-linux, dash) are needed to run steps in images' };
    if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed (Debian package "bubblewrap")' };
    const tools = { unshare, mount, sh, bwrap };
    const dir = await mkdtemp(join(tmpdir(), 'plumbing-overlay-probe-'));
    try {
      const rootfs = join(dir, 'lower');
      await mkdir(rootfs);
      for (const d of Object.values(overlayDirs(join(dir, 'step')))) await mkdir(d, { recursive: true });
      // the host's own `true` with its libraries bound in
      const mounts = ['/usr', '/lib', '/lib64'].filter((d) => existsSync(d)).map((d) => ({ target: d, source: d, readOnly: true }));
      const cmd = imageStepCommand(tools, { rootfs, scratch: join(dir, 'step'), uid: 0, gid: 0, mounts, cwd: '/', argv: ['/usr/bin/true'] });
      const err = await new Promise<string | undefined>((resolve) => {
        execFile(cmd.file, cmd.args, { timeout: 30_000 }, (e, _out, stderr) => resolve(e ? String(stderr).trim() || e.message : undefined));
      });
      return err === undefined ? { available: true, tools } : { available: false, reason: `cannot make an overlay root filesystem in a user namespace here: ${err}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return detected;
}
