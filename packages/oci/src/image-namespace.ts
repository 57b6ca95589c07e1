/**
 * One user + mount namespace per run (`unshare --user --map-root-user --mount`, or as root an
 * identity-mapped one in which files keep their owners: owners.ts; a small holder
 * reading requests on stdin, namespace-holder.ts) in which each image step's overlay root is mounted: the
 * cached rootfs as the read-only lower layer, a per-step writable upper layer (unprivileged
 * overlayfs, Linux 5.11+; bubblewrap 0.8 has no --overlay). A step then starts as two
 * processes, `nsenter` into that namespace and `bwrap` (see run-args.ts), instead of four
 * (unshare, sh, mount, bwrap): the namespace and the mount are made off the step's path.
 * Mount propagation from the host is `slave`, so run directories mounted later are seen.
 *
 * Off the step's path as well: a spare overlay of each image is mounted ahead (while the step
 * that took the last one runs), and a finished step's overlay is unmounted and its directory
 * removed in the background (in batches: each is one request, a process with the sh holder; removing a
 * directory that is still a mount point costs an RCU grace period). `close()` waits for them.
 * The holder ends when its stdin closes (close(), or this process exiting).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { removeTree } from './images.js';
import { holderCommand } from './namespace-holder.js';
import { findUidSwitch, keepsOwners, type UidSwitch } from './owners.js';
import { type ImageSandboxTools, type ImageStepOptions, imageBwrapArgs, overlayDirs, type StepOverlay } from './run-args.js';

/** Unmount released overlays once this many have gathered (one request; a `umount` process with the sh holder). */
const UNMOUNT_BATCH = 16;

export interface ImageNamespaceOptions {
  /** Where the steps' overlay directories go (default: a new directory in the system's temp dir, removed by close()). */
  scratchRoot?: string;
  /** Mount a spare overlay of an image ahead when one is taken (default true; a one-off probe has no next step). */
  mountAhead?: boolean;
  /** Map every id onto itself, so that files keep their owners (default: when running as root; owners.ts). */
  identity?: boolean;
}

/** Every uid/gid onto itself (written by this process, real root, into the holder's maps). */
const IDENTITY_MAP = '0 0 4294967295\n';

export class ImageNamespace {
  private readonly waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  /** Overlays mounted ahead, per rootfs (at most one each). */
  private readonly spares = new Map<string, Promise<StepOverlay>>();
  private readonly released: StepOverlay[] = [];
  /** Background unmounts and removals, awaited by close(). */
  private cleaning: Promise<void> = Promise.resolve();
  private buffer = '';
  private ended: Error | undefined;
  private serial = 0;

  private constructor(
    private readonly tools: ImageSandboxTools,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly scratchRoot: string,
    private readonly ownsScratch: boolean,
    private readonly mountAhead: boolean,
    private readonly uidSwitch: UidSwitch | undefined,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => this.onData(d));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const end = (why: string): void => {
      this.ended ??= new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `the image namespace (unshare --user --mount) ended: ${why}${stderr ? `: ${stderr.trim()}` : ''}`);
      for (const w of this.waiting.splice(0)) w.reject(this.ended);
    };
    child.on('error', (e) => end(e.message));
    child.on('exit', (code, signal) => end(signal ? `signal ${signal}` : `exit code ${code}`));
    child.stdin.on('error', () => undefined);
    this.hold(false);
  }

  /** An idle holder does not keep this process alive (it ends when its stdin closes with us); one with requests pending does. */
  private hold(on: boolean): void {
    const handles: unknown[] = [this.child, this.child.stdin, this.child.stdout, this.child.stderr];
    for (const h of handles as { ref?: () => void; unref?: () => void }[]) {
      if (on) h.ref?.();
      else h.unref?.();
    }
  }

  /** Starts the holder and waits until it is inside its namespaces. */
  static async start(tools: ImageSandboxTools, opts: ImageNamespaceOptions = {}): Promise<ImageNamespace> {
    const scratchRoot = opts.scratchRoot ?? (await mkdtemp(join(tmpdir(), 'plumbing-overlays-')));
    checkLayerPath(scratchRoot);
    const identity = opts.identity ?? keepsOwners();
    try {
      // identity: unmapped until we write its maps, so capabilities are kept across the exec
      const users = identity ? ['--user', '--keep-caps'] : ['--user', '--map-root-user'];
      const child = spawn(tools.unshare, [...users, '--mount', '--propagation', 'slave', '--', ...holderCommand(tools)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const uidSwitch = identity ? await findUidSwitch(tools.setpriv) : undefined;
      const ns = new ImageNamespace(tools, child, scratchRoot, opts.scratchRoot === undefined, opts.mountAhead ?? true, uidSwitch);
      const first = await ns.next();
      if (first !== 'ready') throw new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `the image namespace did not start: ${first}`);
      if (identity) {
        writeFileSync(`/proc/${child.pid}/uid_map`, IDENTITY_MAP);
        writeFileSync(`/proc/${child.pid}/gid_map`, IDENTITY_MAP);
      }
      return ns;
    } catch (err) {
      if (opts.scratchRoot === undefined) await removeTree(scratchRoot).catch(() => undefined);
      throw err;
    }
  }

  /** The holder's pid (what nsenter targets). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * True when a step in an image unpacked with its owners sees them and runs as its own uid
   * (identity-mapped namespace and a uid switcher); otherwise every image file is the step user's.
   */
  get keepsOwners(): boolean {
    return this.uidSwitch !== undefined;
  }

  /** True while the holder runs (a new one is needed otherwise). */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /**
   * A step's own overlay of `rootfs` (a fresh writable layer over it): the spare mounted ahead
   * when there is one, else mounted now; then the next spare is mounted in the background.
   */
  async overlay(rootfs: string): Promise<StepOverlay> {
    checkLayerPath(rootfs);
    const spare = this.spares.get(rootfs);
    this.spares.delete(rootfs);
    const taken = spare ? await spare.catch(() => this.mount(rootfs)) : await this.mount(rootfs);
    if (this.mountAhead && !this.spares.has(rootfs) && this.alive) {
      const next = this.mount(rootfs);
      next.catch(() => undefined);
      this.spares.set(rootfs, next);
    }
    return taken;
  }

  /** A finished step's overlay: unmounted and removed in the background (in batches). */
  release(overlay: StepOverlay): void {
    this.released.push(overlay);
    if (this.released.length >= UNMOUNT_BATCH) this.cleanReleased();
  }

  /**
   * `file` + `args` that run a step in an overlay from overlay(). A non-root step in an image
   * with its owners kept switches to its uid after bwrap's mounts (owners.ts); otherwise bwrap
   * maps it onto the namespace's root.
   */
  stepCommand(overlay: StepOverlay, o: ImageStepOptions, owners = false): { file: string; args: string[] } {
    const sw = owners && (o.uid !== 0 || o.gid !== 0) ? this.uidSwitch : undefined;
    const step = sw ? { ...o, uid: 0, gid: 0, mounts: [...o.mounts, ...sw.mounts], argv: [...sw.prefix(o.uid, o.gid), ...o.argv] } : o;
    return {
      file: this.tools.nsenter,
      args: ['-t', String(this.pid), '-U', '-m', '--preserve-credentials', '--', this.tools.bwrap, ...imageBwrapArgs(overlay.merged, step)],
    };
  }

  /** Ends the holder (its namespaces go when the last step in them exits) and removes the overlays' directories. */
  async close(): Promise<void> {
    const spares = [...this.spares.values()];
    this.spares.clear();
    for (const s of spares) this.released.push(...(await s.then((o) => [o]).catch(() => [])));
    if (!this.ended) {
      this.cleanReleased();
      await this.cleaning;
      // held while closing: an unref'd child would let this process exit before the holder's exit event
      this.hold(true);
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end();
      await exited;
    }
    await this.cleaning;
    const rest = this.released.splice(0);
    for (const o of rest) await removeTree(o.scratch).catch(() => undefined);
    if (this.ownsScratch) await removeTree(this.scratchRoot).catch(() => undefined);
  }

  /** Mounts `rootfs` under a fresh writable layer in a new directory of the scratch root. */
  private async mount(rootfs: string): Promise<StepOverlay> {
    const scratch = join(this.scratchRoot, `${process.pid}-${++this.serial}`);
    const { upper, work, merged } = overlayDirs(scratch);
    for (const d of [upper, work, merged]) mkdirSync(d, { recursive: true });
    const answer = await this.request(['m 4', rootfs, upper, work, merged]);
    if (answer !== 'ok') {
      await removeTree(scratch).catch(() => undefined);
      throw new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `cannot mount the overlay root filesystem for ${rootfs} in the image namespace: ${answer.replace(/^error /, '')}`);
    }
    return { rootfs, scratch, merged, upper };
  }

  /** Unmounts the released overlays (one request), then removes their directories; chained on `cleaning`. */
  private cleanReleased(): void {
    const batch = this.released.splice(0);
    if (batch.length === 0) return;
    this.cleaning = this.cleaning.then(async () => {
      if (!this.ended) await this.request([`u ${batch.length}`, ...batch.map((o) => o.merged)]).catch(() => undefined);
      for (const o of batch) await removeTree(o.scratch).catch(() => undefined);
    });
  }

  private request(lines: string[]): Promise<string> {
    if (this.ended) return Promise.reject(this.ended);
    const answer = this.next();
    this.child.stdin.write(`${lines.join('\n')}\n`);
    return answer;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      if (this.waiting.length === 0) this.hold(true);
      this.waiting.push({ resolve, reject });
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.waiting.shift()?.resolve(line);
      if (this.waiting.length === 0) this.hold(false);
      nl = this.buffer.indexOf('\n');
    }
  }
}

/** overlayfs takes its layers in one option string: these characters cannot be in their paths. */
function checkLayerPath(p: string): void {
  if (/[,:\\\n]/.test(p)) throw new PlumbingError('OCI_PATH_UNSUPPORTED', `overlay layer path ${p} contains ',', ':', '\\' or a newline; move the cache (PLUMBING_CACHE) or the temp dir (TMPDIR)`);
}
