/** The stages of an apply, in order. Each is applied, then waited on, before the next starts. */
export const STAGES = ['namespaces-and-crds', 'rbac-and-config', 'workloads'] as const;
export type StageName = (typeof STAGES)[number];

const STAGE0 = new Set(['Namespace', 'CustomResourceDefinition']);
const STAGE1 = new Set([
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'ResourceQuota',
  'LimitRange',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'NetworkPolicy',
]);

/** 0: Namespaces and CRDs; 1: RBAC and configuration; 2: everything else (Tekton resources, workloads). */
export function stageOf(kind: string): number {
  if (STAGE0.has(kind)) return 0;
  if (STAGE1.has(kind)) return 1;
  return 2;
}
