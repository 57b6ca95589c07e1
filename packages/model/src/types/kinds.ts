/** The apiVersion/kind pairs this project knows. */

export const TEKTON_KINDS: Record<string, readonly string[]> = {
  'tekton.dev/v1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun'],
  'tekton.dev/v1beta1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun', 'ClusterTask', 'StepAction', 'CustomRun'],
  'tekton.dev/v1alpha1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun', 'ClusterTask', 'Condition', 'PipelineResource', 'Run', 'StepAction', 'VerificationPolicy'],
  'triggers.tekton.dev/v1beta1': ['EventListener', 'Trigger', 'TriggerBinding', 'ClusterTriggerBinding', 'TriggerTemplate'],
  'triggers.tekton.dev/v1alpha1': ['EventListener', 'Trigger', 'TriggerBinding', 'ClusterTriggerBinding', 'TriggerTemplate', 'Interceptor', 'ClusterInterceptor'],
};

export const KUBERNETES_KINDS: Record<string, readonly string[]> = {
  v1: ['Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service', 'ResourceQuota', 'LimitRange', 'PersistentVolumeClaim', 'Pod'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'batch/v1': ['CronJob', 'Job'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet'],
  'coordination.k8s.io/v1': ['Lease'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'networking.k8s.io/v1': ['Ingress', 'NetworkPolicy'],
  'policy/v1': ['PodDisruptionBudget'],
};

/** This project's own configuration kinds (validated by `plumbing check`). */
export const PLUMBING_KINDS: Record<string, readonly string[]> = {
  'plumbing.dev/v1alpha1': ['Cluster', 'ReleaseConfig', 'CheckConfig', 'Release'],
};

const ALL: Record<string, readonly string[]> = { ...TEKTON_KINDS, ...KUBERNETES_KINDS, ...PLUMBING_KINDS };

/**
 * Whether a document is meant as a Kubernetes object at all. Repositories hold YAML that is not
 * (Artifact Hub metadata, Helm's Chart.yaml, linters' configs, CI workflows, JSON patches, test
 * fixtures): a document is an object when it is a map with `kind` or `apiVersion`, and either
 * both of them or `metadata` (so `kind: Task` with metadata but no apiVersion is still a broken
 * object, while Chart.yaml's lone `apiVersion: v2` is not one).
 */
export function isKubernetesObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const hasKind = v.kind !== undefined;
  const hasVersion = v.apiVersion !== undefined;
  if (!hasKind && !hasVersion) return false;
  return (hasKind && hasVersion) || v.metadata !== undefined;
}

export function isKnownKind(apiVersion: string, kind: string): boolean {
  return ALL[apiVersion]?.includes(kind) ?? false;
}

/** Versions that know this kind, for hints. */
export function versionsOfKind(kind: string): string[] {
  return Object.entries(ALL)
    .filter(([, kinds]) => kinds.includes(kind))
    .map(([v]) => v);
}

export function isTekton(apiVersion: string | undefined): boolean {
  return apiVersion?.startsWith('tekton.dev/') ?? false;
}

export function isTriggers(apiVersion: string | undefined): boolean {
  return apiVersion?.startsWith('triggers.tekton.dev/') ?? false;
}

export const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterTask', 'ClusterTriggerBinding', 'ClusterInterceptor', 'CustomResourceDefinition']);
