import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { PlumbingError } from '@plumbing/model';
import { kubeError, unreachable } from './errors.js';
import type { ApplyOptions, ApplyResult, CallCounts, KubeObject, KubePort, ListOptions, ObjectRef, ResourceInfo } from './types.js';
import { splitApiVersion } from './types.js';
import { type KubeAuth, loadNativeAuth, NeedsSdk } from './kubeconfig.js';

/** The field manager of every write plumbing makes. */
export const FIELD_MANAGER = 'plumbing';

export interface ConnectOptions {
  /** A kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string | undefined;
  /** A context of that kubeconfig (default: its current context). */
  context?: string | undefined;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST, the mounted token and CA). */
  inCluster?: boolean | undefined;
  /** Concurrent connections to the API server (default 16). */
  maxSockets?: number;
  /** Per-request timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
}

interface DiscoveryList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

function where(obj: KubeObject): { apiVersion: string; kind: string; namespace?: string | undefined } {
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata?.namespace };
}

/**
 * Loads the kubeconfig as @kubernetes/client-node does; errors name the file and context, never
 * credentials. The SDK is imported on first use: it is large, and commands that never reach a
 * cluster (check, render, --help) should not pay for it.
 */
export async function loadKubeConfig(opts: ConnectOptions): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new PlumbingError('KUBE_CONFIG', `cannot load the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${e instanceof Error ? e.message.split('\n')[0] : 'unknown error'}`, { cause: e });
  }
  if (opts.context && !opts.inCluster) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new PlumbingError('KUBE_CONFIG', `no context "${opts.context}" in the kubeconfig`, { hint: `contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}` });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new PlumbingError('KUBE_CONFIG', 'the kubeconfig has no current cluster', { hint: 'pass --context or --kubeconfig' });
  return kc;
}

function sdkAuth(kc: KubeConfig): KubeAuth {
  return { server: kc.getCurrentCluster()!.server, applyToHTTPSOptions: (o) => kc.applyToHTTPSOptions(o) };
}

/**
 * How requests authenticate: read natively for tokens, client certificates, basic auth and the
 * in-cluster service account; through @kubernetes/client-node (imported only then) for exec
 * plugins and auth providers.
 */
export async function loadAuth(opts: ConnectOptions): Promise<KubeAuth> {
  try {
    return loadNativeAuth(opts);
  } catch (e) {
    if (!(e instanceof NeedsSdk)) throw e;
    return sdkAuth(await loadKubeConfig(opts));
  }
}

/**
 * The Kubernetes port over @kubernetes/client-node: the SDK loads the kubeconfig and
 * authenticates each request (tokens, client certificates, exec plugins); requests go over one
 * keep-alive agent so that a deploy can apply objects concurrently, and every call is counted.
 * SSA, dryRun=All and discovery are plain REST calls, which keeps the call count exact.
 */
export class KubeClient implements KubePort {
  readonly server: string;
  private readonly auth: KubeAuth;
  private agent: https.Agent | http.Agent | undefined;
  private readonly maxSockets: number;
  private readonly timeoutMs: number;
  private readonly discovery = new Map<string, Promise<DiscoveryList>>();
  private readonly counts: CallCounts = { total: 0, byVerb: {} };

  constructor(auth: KubeConfig | KubeAuth, opts: Pick<ConnectOptions, 'maxSockets' | 'timeoutMs'> = {}) {
    this.auth = 'getCurrentCluster' in auth ? sdkAuth(auth) : auth;
    this.server = this.auth.server.replace(/\/+$/, '');
    this.maxSockets = opts.maxSockets ?? 16;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  static async connect(opts: ConnectOptions = {}): Promise<KubeClient> {
    const o: Pick<ConnectOptions, 'maxSockets' | 'timeoutMs'> = {};
    if (opts.maxSockets !== undefined) o.maxSockets = opts.maxSockets;
    if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs;
    return new KubeClient(await loadAuth(opts), o);
  }

  calls(): CallCounts {
    return { total: this.counts.total, byVerb: { ...this.counts.byVerb } };
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const { group, version } = splitApiVersion(apiVersion);
    for (let attempt = 0; attempt < 2; attempt++) {
      let p = this.discovery.get(apiVersion);
      if (!p) {
        p = this.request<DiscoveryList>('discover', 'GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
        this.discovery.set(apiVersion, p);
        p.catch(() => this.discovery.delete(apiVersion));
      }
      let list: DiscoveryList;
      try {
        list = await p;
      } catch (e) {
        if (e instanceof PlumbingError && e.code === 'KUBE_NOT_FOUND' && attempt === 0) continue;
        if (e instanceof PlumbingError && e.code === 'KUBE_NOT_FOUND') throw new PlumbingError('KUBE_UNKNOWN_KIND', `the server does not serve ${apiVersion}`, { hint: 'is its CRD installed?', cause: e });
        throw e;
      }
      const r = list.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
      if (r) return { group, version, kind, resource: r.name, namespaced: r.namespaced };
      // A CRD established since the last look: look once more.
      if (attempt === 0) this.discovery.delete(apiVersion);
    }
    throw new PlumbingError('KUBE_UNKNOWN_KIND', `the server has no kind ${kind} in ${apiVersion}`, { hint: 'is its CRD installed?' });
  }

  private async path(ref: { apiVersion: string; kind: string; namespace?: string | undefined }, name?: string): Promise<{ path: string; info: ResourceInfo }> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    let p = base;
    if (info.namespaced && ref.namespace) p += `/namespaces/${encodeURIComponent(ref.namespace)}`;
    else if (info.namespaced && name !== undefined) throw new PlumbingError('KUBE_NO_NAMESPACE', `${ref.kind} ${name} needs a namespace`);
    p += `/${info.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    return { path: p, info };
  }

  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<ApplyResult> {
    const { path, info } = await this.path(where(obj), obj.metadata.name);
    const body = info.namespaced ? obj : { ...obj, metadata: { ...obj.metadata, namespace: undefined } };
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: String(opts.force ?? true) });
    if (opts.dryRun) q.set('dryRun', 'All');
    const status: { code: number } = { code: 0 };
    const object = await this.request<KubeObject>(opts.dryRun ? 'apply-dry-run' : 'apply', 'PATCH', `${path}?${q}`, body, 'application/apply-patch+yaml', status);
    return { object, created: status.code === 201 };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const { path } = await this.path(ref, ref.name);
    try {
      return await this.request<KubeObject>('get', 'GET', path);
    } catch (e) {
      if (e instanceof PlumbingError && e.code === 'KUBE_NOT_FOUND') return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const { path } = await this.path({ apiVersion, kind, namespace: opts.namespace });
    const out: KubeObject[] = [];
    let cont: string | undefined;
    do {
      const q = new URLSearchParams({ limit: '500' });
      if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
      if (cont) q.set('continue', cont);
      const page = await this.request<{ items?: KubeObject[]; metadata?: { continue?: string } }>('list', 'GET', `${path}?${q}`);
      for (const item of page.items ?? []) out.push({ ...item, apiVersion, kind });
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return out;
  }

  async create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const { path } = await this.path(where(obj));
    return this.request<KubeObject>(opts.dryRun ? 'create-dry-run' : 'create', 'POST', opts.dryRun ? `${path}?dryRun=All` : path, obj);
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const { path } = await this.path(where(obj), obj.metadata.name);
    return this.request<KubeObject>('update', 'PUT', `${path}?fieldManager=${FIELD_MANAGER}`, obj);
  }

  async patchStatus(ref: ObjectRef, status: Record<string, unknown>): Promise<KubeObject> {
    const { path } = await this.path(ref, ref.name);
    return this.request<KubeObject>('patch-status', 'PATCH', `${path}/status`, { status }, 'application/merge-patch+json');
  }

  async patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const { path } = await this.path(ref, ref.name);
    return this.request<KubeObject>('patch', 'PATCH', path, patch, 'application/merge-patch+json');
  }

  async logs(namespace: string, pod: string, container: string): Promise<string> {
    const q = new URLSearchParams({ container });
    return this.request<string>('logs', 'GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`, undefined, 'application/json', undefined, true);
  }

  async delete(ref: ObjectRef, opts: { dryRun?: boolean; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {}): Promise<boolean> {
    const { path } = await this.path(ref, ref.name);
    const q = new URLSearchParams();
    if (opts.dryRun) q.set('dryRun', 'All');
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: opts.propagationPolicy ?? 'Background' };
    try {
      await this.request('delete', 'DELETE', q.size ? `${path}?${q}` : path, body);
      return true;
    } catch (e) {
      if (e instanceof PlumbingError && e.code === 'KUBE_NOT_FOUND') return false;
      throw e;
    }
  }

  /**
   * One API call: authenticated by the SDK, counted, errors wrapped into PlumbingError once.
   * A 429 (throttled, or a CRD's storage still initializing) is retried after its Retry-After,
   * as client-go does, up to 5 times; every attempt counts as a call.
   */
  private async request<T>(verb: string, method: string, path: string, body?: unknown, contentType = 'application/json', status?: { code: number }, text = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>({ verb, method, path, body, contentType, statusOut: status, text });
      } catch (e) {
        const retryAfter = (e as { retryAfter?: number }).retryAfter;
        if (!(e instanceof PlumbingError) || e.code !== 'KUBE_THROTTLED' || attempt >= 6) throw e;
        await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(100, (retryAfter ?? 1) * 1000 * (attempt === 1 ? 0.25 : 1)))));
      }
    }
  }

  private async once<T>(r: { verb: string; method: string; path: string; body: unknown; contentType: string; statusOut: { code: number } | undefined; text: boolean }): Promise<T> {
    const { verb, method, path, body, contentType, statusOut } = r;
    this.counts.total++;
    this.counts.byVerb[verb] = (this.counts.byVerb[verb] ?? 0) + 1;
    const url = new URL(this.server + path);
    const accept = r.text ? 'text/plain, */*' : 'application/json';
    const opts: https.RequestOptions = { method, headers: { Accept: accept } };
    try {
      await this.auth.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new PlumbingError('KUBE_AUTH', `cannot authenticate to ${this.server}: ${e instanceof Error ? e.message.split('\n')[0] : 'unknown error'}`, { cause: e });
    }
    const isHttps = url.protocol === 'https:';
    if (!this.agent) {
      this.agent = isHttps
        ? new https.Agent({ keepAlive: true, maxSockets: this.maxSockets, ca: opts.ca, cert: opts.cert, key: opts.key, ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }), ...(opts.servername ? { servername: opts.servername } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: this.maxSockets });
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { ...(opts.headers as Record<string, string>), Accept: accept };
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload.length;
    }
    const mod = isHttps ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(
        url,
        { method, headers, agent: this.agent, timeout: this.timeoutMs, ...(opts.auth ? { auth: opts.auth } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(unreachable(this.server, method, path, e)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (statusOut) statusOut.code = status;
            if (status >= 200 && status < 300 && r.text) resolve(text as T);
            else if (status >= 200 && status < 300) {
              try {
                resolve((text ? JSON.parse(text) : {}) as T);
              } catch (e) {
                reject(new PlumbingError('KUBE_API', `${method} ${path}: the server answered ${status} with a body that is not JSON`, { cause: e }));
              }
            } else {
              const err = kubeError(status, method, path, text);
              const ra = Number(res.headers['retry-after']);
              reject(Number.isFinite(ra) ? Object.assign(err, { retryAfter: ra }) : err);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(unreachable(this.server, method, path, e)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}
