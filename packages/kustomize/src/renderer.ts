import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type KustomizeBuild, PlumbingError } from '@plumbing/model';
import { ensureRenderer, type EnsureRendererOptions } from './build.js';

interface Pending {
  resolve: (b: KustomizeBuild) => void;
  reject: (err: Error) => void;
}

/**
 * What the child gets instead of a network: kustomize never fetches (remote resources are taken
 * out before it reads a kustomization; a remote patch or component meets a proxy that is not there).
 */
const OFFLINE_ENV: Readonly<Record<string, string>> = {
  GIT_ALLOW_PROTOCOL: 'none',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  no_proxy: '',
};

/**
 * One long-lived kustomize-render process (kustomize's own library, krusty): requests are
 * kustomization directories, answered in order over JSON lines, so a catalog's hundreds of
 * kustomizations cost one process start.
 */
export class KustomizeRenderer {
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => this.onLine(line));
    child.on('close', (code, signal) => {
      this.exited = new PlumbingError('KUSTOMIZE_RENDER_EXITED', `kustomize-render exited (${signal ?? code}): ${stderr.trim() || 'no output'}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  static async start(opts: EnsureRendererOptions = {}): Promise<KustomizeRenderer> {
    const binary = await ensureRenderer(opts);
    const env = { ...(opts.env ?? process.env), ...OFFLINE_ENV };
    return new KustomizeRenderer(spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], env }));
  }

  /** What `kustomize build DIR` renders (DIR absolute), or kustomize's error. */
  render(dir: string): Promise<KustomizeBuild> {
    if (this.exited) return Promise.reject(this.exited);
    const id = String(this.next++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, dir })}\n`);
    });
  }

  /** Ends the process after the renders already asked for. */
  async close(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }

  private onLine(line: string): void {
    let reply: { id?: string } & Partial<KustomizeBuild>;
    try {
      reply = JSON.parse(line) as typeof reply;
    } catch {
      return;
    }
    const p = reply.id === undefined ? undefined : this.pending.get(reply.id);
    if (!p || reply.id === undefined) return;
    this.pending.delete(reply.id);
    p.resolve({ objects: reply.objects ?? [], remote: reply.remote ?? [], ...(reply.error ? { error: reply.error } : {}) });
  }
}
