/** The apiVersion/kind pairs this project knows. */

export const TEKTON_KINDS: Record<string, readonly string[]> = {
  'tekton.dev/v1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun'],
  'tekton.dev/v1beta1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun', 'ClusterTask', 'StepAction', 'CustomRun'],
  'tekton.dev/v1alpha1': ['Task', 'Pipeline', 'TaskRun', 'PipelineRun', 'ClusterTask', 'Condition', 'PipelineResource', 'Run', 'StepAction', 'VerificationPolicy'],
  'triggers.tekton.dev/v1beta1': ['EventListener', 'Trigger', 'TriggerBinding', 'ClusterTriggerBinding', 'TriggerTemplate'],
  'triggers.tekton.dev/v1alpha1': ['EventListener', 'Trigger', 'TriggerBinding', 'ClusterTriggerBinding', 'TriggerTemplate', 'Interceptor', 'ClusterInterceptor'],
  'resolution.tekton.dev/v1alpha1': ['ResolutionRequest'],
  'resolution.tekton.dev/v1beta1': ['ResolutionRequest'],
};

/** Built-in kinds that a current Kubernetes API server (1.29–1.32) serves, by apiVersion. */
export const KUBERNETES_KINDS: Record<string, readonly string[]> = {
  v1: [
    'Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service', 'ResourceQuota', 'LimitRange', 'PersistentVolumeClaim', 'PersistentVolume', 'Pod',
    'PodTemplate', 'ReplicationController', 'Endpoints', 'Event', 'Node', 'Binding', 'ComponentStatus', 'List',
  ],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'batch/v1': ['CronJob', 'Job'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'coordination.k8s.io/v1': ['Lease'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'admissionregistration.k8s.io/v1': ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'admissionregistration.k8s.io/v1beta1': ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'authentication.k8s.io/v1': ['TokenReview', 'TokenRequest', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'flowcontrol.apiserver.k8s.io/v1beta3': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['StorageClass', 'CSIDriver', 'CSINode', 'CSIStorageCapacity', 'VolumeAttachment'],
};

/**
 * API versions that Kubernetes served once and has removed, with the release that removed them
 * and what replaces them: an object in one of these is refused by a current API server.
 * A kind listed under a version is removed only for that kind (admissionregistration v1beta1
 * still serves ValidatingAdmissionPolicy).
 */
export const REMOVED_KUBERNETES_VERSIONS: Record<string, { removedIn: string; use: string; kinds?: readonly string[] }> = {
  'extensions/v1beta1': { removedIn: '1.22', use: 'apps/v1 (workloads) or networking.k8s.io/v1 (Ingress, NetworkPolicy)' },
  'apps/v1beta1': { removedIn: '1.16', use: 'apps/v1' },
  'apps/v1beta2': { removedIn: '1.16', use: 'apps/v1' },
  'rbac.authorization.k8s.io/v1beta1': { removedIn: '1.22', use: 'rbac.authorization.k8s.io/v1' },
  'rbac.authorization.k8s.io/v1alpha1': { removedIn: '1.22', use: 'rbac.authorization.k8s.io/v1' },
  'apiextensions.k8s.io/v1beta1': { removedIn: '1.22', use: 'apiextensions.k8s.io/v1' },
  'apiregistration.k8s.io/v1beta1': { removedIn: '1.22', use: 'apiregistration.k8s.io/v1' },
  'admissionregistration.k8s.io/v1beta1': { removedIn: '1.22', use: 'admissionregistration.k8s.io/v1', kinds: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] },
  'authentication.k8s.io/v1beta1': { removedIn: '1.22', use: 'authentication.k8s.io/v1' },
  'authorization.k8s.io/v1beta1': { removedIn: '1.22', use: 'authorization.k8s.io/v1' },
  'certificates.k8s.io/v1beta1': { removedIn: '1.22', use: 'certificates.k8s.io/v1' },
  'coordination.k8s.io/v1beta1': { removedIn: '1.22', use: 'coordination.k8s.io/v1' },
  'networking.k8s.io/v1beta1': { removedIn: '1.22', use: 'networking.k8s.io/v1' },
  'scheduling.k8s.io/v1beta1': { removedIn: '1.22', use: 'scheduling.k8s.io/v1' },
  'scheduling.k8s.io/v1alpha1': { removedIn: '1.17', use: 'scheduling.k8s.io/v1' },
  'storage.k8s.io/v1beta1': { removedIn: '1.22 (CSIStorageCapacity: 1.27)', use: 'storage.k8s.io/v1' },
  'batch/v1beta1': { removedIn: '1.25', use: 'batch/v1' },
  'batch/v2alpha1': { removedIn: '1.21', use: 'batch/v1' },
  'policy/v1beta1': { removedIn: '1.25', use: 'policy/v1 (PodSecurityPolicy has no replacement: use Pod Security Admission)' },
  'autoscaling/v2beta1': { removedIn: '1.25', use: 'autoscaling/v2' },
  'autoscaling/v2beta2': { removedIn: '1.26', use: 'autoscaling/v2' },
  'discovery.k8s.io/v1beta1': { removedIn: '1.25', use: 'discovery.k8s.io/v1' },
  'events.k8s.io/v1beta1': { removedIn: '1.25', use: 'events.k8s.io/v1' },
  'node.k8s.io/v1beta1': { removedIn: '1.25', use: 'node.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta1': { removedIn: '1.26', use: 'flowcontrol.apiserver.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta2': { removedIn: '1.29', use: 'flowcontrol.apiserver.k8s.io/v1' },
};

/** The removal of `apiVersion` for `kind`, if Kubernetes removed it. */
export function removedVersion(apiVersion: string, kind: string): { removedIn: string; use: string } | undefined {
  const r = REMOVED_KUBERNETES_VERSIONS[apiVersion];
  if (!r || (r.kinds && !r.kinds.includes(kind))) return undefined;
  return r;
}

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

/** The API group of an apiVersion (`''` for the core group's `v1`). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const KNOWN_GROUPS = new Set([...Object.keys(ALL), ...Object.keys(REMOVED_KUBERNETES_VERSIONS)].map(apiGroup));

/**
 * Whether we hold the schema of `apiVersion`'s group: Kubernetes' built-in groups, Tekton's and
 * ours. Any other group is a custom resource we cannot validate (Istio, Pipelines-as-Code, ...).
 */
export function isKnownGroup(apiVersion: string): boolean {
  return KNOWN_GROUPS.has(apiGroup(apiVersion));
}

export function isTekton(apiVersion: string | undefined): boolean {
  return apiVersion?.startsWith('tekton.dev/') ?? false;
}

export function isTriggers(apiVersion: string | undefined): boolean {
  return apiVersion?.startsWith('triggers.tekton.dev/') ?? false;
}

export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterTask', 'ClusterTriggerBinding', 'ClusterInterceptor', 'CustomResourceDefinition',
  'PersistentVolume', 'Node', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'APIService',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'FlowSchema',
  'PriorityLevelConfiguration', 'CertificateSigningRequest', 'ComponentStatus',
]);
