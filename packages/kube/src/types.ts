/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [field: string]: unknown;
}

export interface KubeMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name in URLs. */
  resource: string;
  namespaced: boolean;
}

/** Identifies one object. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

export interface ApplyOptions {
  /** Server-side dry run (`dryRun=All`): validated and defaulted, nothing stored. */
  dryRun?: boolean;
  /** Take over fields owned by other managers (default true: the repository is the source of truth). */
  force?: boolean;
}

export interface ApplyResult {
  object: KubeObject;
  created: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  /** Only this namespace; default: all namespaces (or cluster-scoped). */
  namespace?: string;
}

/** Counts of API calls made through a port, by verb. */
export interface CallCounts {
  total: number;
  byVerb: Record<string, number>;
}

/**
 * The one port to the Kubernetes API. Everything in the deploy engine talks to the cluster
 * through this interface; tests wrap it (fault injection, call counting), never replace the
 * API server.
 */
export interface KubePort {
  /** Discovery of one kind (cached per group/version: at most one call per group/version). */
  resolve(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** Server-side apply under the `plumbing` field manager: the object the server stored (or would store), and whether it was created (201). */
  apply(obj: KubeObject, opts?: ApplyOptions): Promise<ApplyResult>;
  /** `undefined` when not found. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /** POST; `dryRun` validates only. Fails with code KUBE_CONFLICT when it exists. */
  create(obj: KubeObject, opts?: { dryRun?: boolean }): Promise<KubeObject>;
  /** PUT with the object's resourceVersion (optimistic concurrency: KUBE_CONFLICT on a lost race). */
  replace(obj: KubeObject): Promise<KubeObject>;
  /** Merge-patches the status subresource (tests and controllers-by-hand only). */
  patchStatus(ref: ObjectRef, status: Record<string, unknown>): Promise<KubeObject>;
  /** Merge-patches the object (`application/merge-patch+json`), e.g. `{spec: {status: 'Cancelled'}}`. */
  patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject>;
  /** The log of one container of a pod, as text. */
  logs(namespace: string, pod: string, container: string): Promise<string>;
  /** `false` when it was already gone. */
  delete(ref: ObjectRef, opts?: { dryRun?: boolean; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }): Promise<boolean>;
  /** Calls made so far. */
  calls(): CallCounts;
  /** The server this port talks to (no credentials), for messages. */
  readonly server: string;
  close(): void;
}

/** `group/version` → `{group, version}`; the core group is ''. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `Kind.group` as ApplySet writes group-kinds (`ConfigMap`, `Task.tekton.dev`). */
export function groupKind(apiVersion: string, kind: string): string {
  const { group } = splitApiVersion(apiVersion);
  return group ? `${kind}.${group}` : kind;
}

/** A stable key for one object: `group/Kind/namespace/name`. */
export function objectKey(ref: ObjectRef): string {
  return `${groupKind(ref.apiVersion, ref.kind)}/${ref.namespace ?? ''}/${ref.name}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}
