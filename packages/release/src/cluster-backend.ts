import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { PlumbingError } from '@plumbing/model';
import { type BackendInput, type BackendResult, pipelineParams, pipelineWorkspaces, RELEASE_SECRET_DEFAULTS, type ReleaseBackend } from './backend.js';

export interface PodInfo {
  name: string;
  phase: string;
  containers: string[];
}

/** What the cluster backend needs of the Kubernetes API: one small port (client-node below, fakes in unit tests). */
export interface PipelineRunApi {
  create(namespace: string, body: Record<string, unknown>): Promise<string>;
  get(namespace: string, name: string): Promise<Record<string, unknown>>;
  /** spec.status: Cancelled (Tekton stops the run and its finally tasks run). */
  cancel(namespace: string, name: string): Promise<void>;
  pods(namespace: string, pipelineRun: string): Promise<PodInfo[]>;
  logs(namespace: string, pod: string, container: string): Promise<string>;
}

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

/** The current kube context of the default kubeconfig, if any. */
export function currentKubeContext(): string | undefined {
  try {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc.getCurrentContext() || undefined;
  } catch {
    return undefined;
  }
}

/** The PipelineRun port over @kubernetes/client-node, for a kube context or in-cluster. */
export function kubePipelineRunApi(target: { context?: string | undefined; inCluster?: boolean | undefined; kubeconfig?: string | undefined }): PipelineRunApi {
  const kc = new KubeConfig();
  if (target.inCluster) kc.loadFromCluster();
  else if (target.kubeconfig) {
    kc.loadFromFile(target.kubeconfig);
    if (target.context) kc.setCurrentContext(target.context);
  } else {
    kc.loadFromDefault();
    if (target.context) kc.setCurrentContext(target.context);
  }
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const g = { group: 'tekton.dev', version: 'v1', plural: 'pipelineruns' };
  // The API server answers 429 while it (re)initializes storage or under priority-and-fairness limits: wait and retry.
  const retry = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
        if (code !== 429 || attempt >= 10) throw e;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  };
  const wrap = (what: string) => (e: unknown) => {
    const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : '';
    throw new PlumbingError('KUBE_API', `Kubernetes ${what}: ${code} ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`.trim(), { cause: e, hint: 'check the kube context and the releaser RBAC' });
  };
  return {
    async create(namespace, body) {
      const r = (await retry(() => custom.createNamespacedCustomObject({ ...g, namespace, body })).catch(wrap('create PipelineRun'))) as { metadata?: { name?: string } };
      return r.metadata?.name ?? '';
    },
    async get(namespace, name) {
      return (await retry(() => custom.getNamespacedCustomObject({ ...g, namespace, name })).catch(wrap(`get PipelineRun ${name}`))) as Record<string, unknown>;
    },
    async cancel(namespace, name) {
      await retry(() => custom.patchNamespacedCustomObject({ ...g, namespace, name, body: { spec: { status: 'Cancelled' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))).catch(wrap(`cancel PipelineRun ${name}`));
    },
    async pods(namespace, pipelineRun) {
      const list = await retry(() => core.listNamespacedPod({ namespace, labelSelector: `tekton.dev/pipelineRun=${pipelineRun}` })).catch(wrap('list pods'));
      return list.items.map((p) => ({ name: p.metadata?.name ?? '', phase: p.status?.phase ?? '', containers: (p.spec?.containers ?? []).map((c) => c.name) }));
    },
    async logs(namespace, pod, container) {
      return retry(() => core.readNamespacedPodLog({ namespace, name: pod, container })).catch(wrap(`logs of ${pod}`));
    },
  };
}
