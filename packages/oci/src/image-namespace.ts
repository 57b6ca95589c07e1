/**
 * One user + mount namespace per run (`unshare --user --map-root-user --mount`, a small `sh`
 * loop reading requests on stdin) in which each image step's overlay root is mounted: the
 * cached rootfs as the read-only lower layer, a per-step writable upper layer (unprivileged
 * overlayfs, Linux 5.11+; bubblewrap 0.8 has no --overlay). A step then starts as two
 * processes, `nsenter` into that namespace and `bwrap` (see run-args.ts), instead of four
 * (unshare, sh, mount, bwrap): the namespace and the mount are made off the step's path.
 * Mount propagation from the host is `slave`, so run directories mounted later are seen.
 * The holder ends when its stdin closes (close(), or this process exiting); released overlays
 * are unmounted in batches.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { PlumbingError } from '@plumbing/model';
import { type ImageSandboxTools, type ImageStepCommand, imageBwrapArgs, overlayDirs } from './run-args.js';

const HOLDER = [
  'echo ready',
  'while read -r verb n; do',
  '  case $verb in',
  '  m) read -r l; read -r u; read -r w; read -r d',
  '     if e=$("$0" -t overlay overlay -o "lowerdir=$l,upperdir=$u,workdir=$w" "$d" 2>&1); then echo ok; else printf "error %s\\n" "$(printf %s "$e" | tr "\\n" " ")"; fi ;;',
  '  u) set --; while [ "$n" -gt 0 ]; do read -r p; set -- "$@" "$p"; n=$((n-1)); done',
  '     umount -l "$@" 2>/dev/null; echo ok ;;',
  '  *) echo "error unknown request $verb" ;;',
  '  esac',
  'done',
].join('\n');

/** Unmount released overlays once this many have gathered (each unmount batch is one process). */
const UNMOUNT_BATCH = 16;

export class ImageNamespace {
  private readonly waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  private readonly released: string[] = [];
  private buffer = '';
  private ended: Error | undefined;

  private constructor(
    private readonly tools: ImageSandboxTools,
    private readonly child: ChildProcessWithoutNullStreams,
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
  static async start(tools: ImageSandboxTools): Promise<ImageNamespace> {
    const child = spawn(tools.unshare, ['--user', '--map-root-user', '--mount', '--propagation', 'slave', '--', tools.sh, '-c', HOLDER, tools.mount], { stdio: ['pipe', 'pipe', 'pipe'] });
    const ns = new ImageNamespace(tools, child);
    const first = await ns.next();
    if (first !== 'ready') throw new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `the image namespace did not start: ${first}`);
    return ns;
  }

  /** The holder's pid (what nsenter targets). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True while the holder runs (a new one is needed otherwise). */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Mounts `rootfs` under a fresh writable layer in `scratch` (its overlayDirs, created empty by the caller). */
  async mountOverlay(rootfs: string, scratch: string): Promise<string> {
    const { upper, work, merged } = overlayDirs(scratch);
    for (const p of [rootfs, upper, work, merged]) {
      if (/[,:\\\n]/.test(p)) throw new PlumbingError('OCI_PATH_UNSUPPORTED', `overlay layer path ${p} contains ',', ':', '\\' or a newline; move the cache (PLUMBING_CACHE) or the run directory`);
    }
    if (this.released.length >= UNMOUNT_BATCH) void this.unmountReleased().catch(() => undefined);
    const answer = await this.request(['m 4', rootfs, upper, work, merged]);
    if (answer !== 'ok') throw new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `cannot mount the overlay root filesystem for ${rootfs} in the image namespace: ${answer.replace(/^error /, '')}`);
    return merged;
  }

  /** The overlay of a finished step may be unmounted (done in batches, off the steps' path). */
  release(merged: string): void {
    this.released.push(merged);
  }

  /** `file` + `args` that run a step in an overlay mounted by mountOverlay (o.scratch). */
  stepCommand(o: ImageStepCommand): { file: string; args: string[] } {
    const { merged } = overlayDirs(o.scratch);
    return {
      file: this.tools.nsenter,
      args: ['-t', String(this.pid), '-U', '-m', '--preserve-credentials', '--', this.tools.bwrap, ...imageBwrapArgs(merged, o)],
    };
  }

  /** Ends the holder (its namespaces go when the last step in them exits). */
  async close(): Promise<void> {
    if (this.ended) return;
    // held while closing: an unref'd child would let this process exit before the holder's exit event
    this.hold(true);
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await exited;
  }

  private async unmountReleased(): Promise<void> {
    const batch = this.released.splice(0);
    if (batch.length > 0) await this.request([`u ${batch.length}`, ...batch]);
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
