import { PlumbingError } from '@plumbing/model';
import { type ConnectOptions, KubeClient } from './client.js';
import type { KubeObject, KubePort } from './types.js';

export interface PodInfo {
  name: string;
  phase: string;
  containers: string[];
}

/** Tekton PipelineRuns through the kube port: what a caller that starts and follows a run needs. */
export interface PipelineRunApi {
  /** Creates the run (`metadata.generateName` allowed); resolves to its name. */
  create(namespace: string, body: Record<string, unknown>): Promise<string>;
  get(namespace: string, name: string): Promise<Record<string, unknown>>;
  /** A TaskRun of a run (`status.childReferences`), or undefined when it is gone. */
  taskRun(namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
  /** spec.status: Cancelled (Tekton stops the run and its finally tasks run). */
  cancel(namespace: string, name: string): Promise<void>;
  /** The pods of a run (label tekton.dev/pipelineRun). */
  pods(namespace: string, pipelineRun: string): Promise<PodInfo[]>;
  logs(namespace: string, pod: string, container: string): Promise<string>;
}

const RUN = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' } as const;

/**
 * Errors of the port (already PlumbingErrors with KUBE_* codes, 429 already retried by the
 * port) keep their code and gain what was being done and where to look.
 */
function explain(what: string) {
  return (e: unknown): never => {
    const code = e instanceof PlumbingError ? e.code : 'KUBE_API';
    throw new PlumbingError(code, `Kubernetes ${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { cause: e, hint: 'check the kube context and the releaser RBAC' });
  };
}

/** The PipelineRun API over a kube port (KubeClient, or a FaultInjectingPort around one). */
export function pipelineRunApi(port: KubePort): PipelineRunApi {
  return {
    async create(namespace, body) {
      const obj = { ...body, ...RUN, metadata: { ...((body.metadata ?? {}) as object), namespace } } as KubeObject;
      const r = await port.create(obj).catch(explain('create PipelineRun'));
      return r.metadata.name ?? '';
    },
    async get(namespace, name) {
      const r = await port.get({ ...RUN, namespace, name }).catch(explain(`get PipelineRun ${name}`));
      if (!r) throw new PlumbingError('KUBE_NOT_FOUND', `PipelineRun ${namespace}/${name} is gone`, { hint: 'was it deleted while the release followed it?' });
      return r;
    },
    async taskRun(namespace, name) {
      return (await port.get({ apiVersion: 'tekton.dev/v1', kind: 'TaskRun', namespace, name }).catch(explain(`get TaskRun ${name}`))) ?? undefined;
    },
    async cancel(namespace, name) {
      await port.patch({ ...RUN, namespace, name }, { spec: { status: 'Cancelled' } }).catch(explain(`cancel PipelineRun ${name}`));
    },
    async pods(namespace, pipelineRun) {
      const list = await port.list('v1', 'Pod', { namespace, labelSelector: `tekton.dev/pipelineRun=${pipelineRun}` }).catch(explain('list pods'));
      return list.map((p) => ({
        name: p.metadata.name,
        phase: String((p.status as { phase?: string } | undefined)?.phase ?? ''),
        containers: ((p.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name),
      }));
    },
    logs(namespace, pod, container) {
      return port.logs(namespace, pod, container).catch(explain(`logs of ${pod}`));
    },
  };
}

/**
 * The PipelineRun API of a kube context (or the pod's own cluster), connected on first use: a
 * plan or a refused release never reads the kubeconfig.
 */
export function connectPipelineRunApi(opts: ConnectOptions): PipelineRunApi {
  let api: Promise<PipelineRunApi> | undefined;
  const ready = () => {
    api ??= KubeClient.connect(opts).then(pipelineRunApi);
    return api;
  };
  return {
    create: async (ns, body) => (await ready()).create(ns, body),
    get: async (ns, name) => (await ready()).get(ns, name),
    taskRun: async (ns, name) => (await ready()).taskRun(ns, name),
    cancel: async (ns, name) => (await ready()).cancel(ns, name),
    pods: async (ns, run) => (await ready()).pods(ns, run),
    logs: async (ns, pod, c) => (await ready()).logs(ns, pod, c),
  };
}
