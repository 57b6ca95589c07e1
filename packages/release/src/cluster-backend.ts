import type { PipelineRunApi } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { pipelineParams, pipelineWorkspaces, RELEASE_SECRET_DEFAULTS } from './backend.js';
import type { BackendInput, BackendResult, ReleaseBackend } from './types.js';

export interface ClusterBackendOptions {
  api: PipelineRunApi;
  namespace: string;
  /** Wait between status reads (ms); tests pass 0. */
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  serviceAccount?: string;
  /** The Secret bound as the pipeline's github-token workspace (default plumbing-release-github-token, key token). */
  githubTokenSecret?: string | undefined;
  /** The Secret bound as bucket-credentials (gs/s3); unset: the pod's workload identity writes the bucket. */
  bucketCredentialsSecret?: string | undefined;
  /** The PersistentVolumeClaim bound as the bucket workspace of a file:// bucket (default plumbing-release-bucket). */
  bucketClaim?: string | undefined;
}

/** Which Secrets and volume a release PipelineRun binds (ClusterBackendOptions without the API). */
export type ClusterBindings = Pick<ClusterBackendOptions, 'githubTokenSecret' | 'bucketCredentialsSecret' | 'bucketClaim'>;

const labelValue = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');

/** The PipelineRun of a release (params: the contract in docs/release.md). */
export function releasePipelineRun(input: Omit<BackendInput, 'out'>, namespace: string, serviceAccount = 'plumbing-releaser', bindings: ClusterBindings = {}): Record<string, unknown> {
  const { plan, config } = input;
  // Contract (docs/release.md): source is a fresh volume the pipeline clones into; an uploading
  // release also needs the token (github-token) and the bucket: a file:// bucket is a volume
  // (bucket), gs/s3 are written with bucket-credentials or the pod's workload identity.
  const declared = plan.pipeline?.found ? plan.pipeline.workspaces : ['source'];
  const extra = pipelineWorkspaces(declared, {
    githubTokenSecret: bindings.githubTokenSecret ?? RELEASE_SECRET_DEFAULTS.githubToken,
    bucketCredentialsSecret: config.bucket.startsWith('file://') ? undefined : bindings.bucketCredentialsSecret,
    bucketClaim: config.bucket.startsWith('file://') ? (bindings.bucketClaim ?? RELEASE_SECRET_DEFAULTS.bucketClaim) : undefined,
  });
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: {
      generateName: `${config.project}-release-`,
      namespace,
      labels: { 'plumbing.dev/release-project': labelValue(plan.project), 'plumbing.dev/release-version': labelValue(plan.version), 'plumbing.dev/release-kind': plan.kind },
      annotations: { 'plumbing.dev/release-commit': plan.commit },
    },
    spec: {
      pipelineRef: { name: config.pipeline },
      params: Object.entries(pipelineParams(plan, config, input.gitUrl)).map(([name, value]) => ({ name, value })),
      taskRunTemplate: { serviceAccountName: serviceAccount },
      workspaces: [{ name: 'source', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } }, ...Object.entries(extra).map(([name, b]) => ({ name, ...b }))],
    },
  };
}

function succeeded(run: Record<string, unknown>): { status: string; reason: string; message: string } | undefined {
  const status = run.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined;
  const c = status?.conditions?.find((x) => x.type === 'Succeeded');
  return c ? { status: c.status, reason: c.reason ?? '', message: c.message ?? '' } : undefined;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Runs the release pipeline on the cluster: creates the PipelineRun, follows its status and
 * prints each pod's logs when it finishes, cancels the run when the signal aborts (Ctrl-C).
 */
export function clusterBackend(opts: ClusterBackendOptions): ReleaseBackend {
  const sleep = opts.sleep ?? defaultSleep;
  const pollMs = opts.pollMs ?? 3000;
  return {
    name: 'cluster',
    pipelineUploads: true,
    describe: ({ config }) => `create a PipelineRun of ${config.pipeline} in namespace ${opts.namespace} and follow it (it builds, pushes and uploads to the bucket)`,
    async runPipeline(input: BackendInput): Promise<BackendResult> {
      const name = await opts.api.create(opts.namespace, releasePipelineRun(input, opts.namespace, opts.serviceAccount, opts));
      input.out(`created PipelineRun ${opts.namespace}/${name}`);
      const printed = new Set<string>();
      const printLogs = async (final: boolean) => {
        for (const pod of await opts.api.pods(opts.namespace, name)) {
          if (printed.has(pod.name) || (!final && pod.phase !== 'Succeeded' && pod.phase !== 'Failed')) continue;
          printed.add(pod.name);
          for (const c of pod.containers) {
            const text = await opts.api.logs(opts.namespace, pod.name, c).catch((e: unknown) => `(logs unavailable: ${e instanceof Error ? e.message : String(e)})`);
            for (const line of text.replace(/\s+$/, '').split('\n')) if (line) input.out(`[${pod.name}/${c}] ${line}`);
          }
        }
      };
      for (;;) {
        if (input.signal?.aborted) {
          await opts.api.cancel(opts.namespace, name);
          input.out(`cancelled PipelineRun ${opts.namespace}/${name}`);
          throw new PlumbingError('RELEASE_CANCELLED', `release cancelled: PipelineRun ${name} was asked to stop`, { exitCode: 130, hint: 're-run the same command to resume' });
        }
        const run = await opts.api.get(opts.namespace, name);
        const c = succeeded(run);
        await printLogs(c !== undefined && c.status !== 'Unknown');
        if (c && c.status === 'True') return { status: 'done', detail: `PipelineRun ${name} succeeded` };
        if (c && c.status === 'False') throw new PlumbingError('RELEASE_PIPELINE_FAILED', `PipelineRun ${name} failed: ${c.reason} ${c.message}`.trim(), { hint: 'read the logs above (also in the bucket), fix, re-run: finished steps are skipped' });
        await sleep(pollMs, input.signal);
      }
    },
  };
}
