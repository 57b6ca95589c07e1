import { spawn } from 'node:child_process';
import { JsonLinesProcess } from '@plumbing/kube-testenv';
import type { KustomizeBuild } from '@plumbing/model';
import { ensureRenderer, type EnsureRendererOptions } from './build.js';

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
  private constructor(private readonly process: JsonLinesProcess) {}

  static async start(opts: EnsureRendererOptions = {}): Promise<KustomizeRenderer> {
    const binary = await ensureRenderer(opts);
    const env = { ...(opts.env ?? process.env), ...OFFLINE_ENV };
    return new KustomizeRenderer(new JsonLinesProcess(spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], env }), 'kustomize-render', 'KUSTOMIZE_RENDER_EXITED'));
  }

  /** What `kustomize build DIR` renders (DIR absolute), or kustomize's error. */
  async render(dir: string): Promise<KustomizeBuild> {
    const reply = (await this.process.request({ dir })) as Partial<KustomizeBuild>;
    return { objects: reply.objects ?? [], remote: reply.remote ?? [], ...(reply.error ? { error: reply.error } : {}) };
  }

  /** Ends the process after the renders already asked for. */
  close(): Promise<void> {
    return this.process.close();
  }
}
