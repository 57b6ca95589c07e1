import type { ContainerFields, Resource, Volume } from './meta.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface Subject {
  kind: 'ServiceAccount' | 'User' | 'Group';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface PodSpec {
  serviceAccountName?: string;
  restartPolicy?: string;
  containers: (ContainerFields & { name: string; image: string })[];
  initContainers?: (ContainerFields & { name: string; image: string })[];
  volumes?: Volume[];
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface JobSpec {
  template: PodTemplateSpec;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
}

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  startingDeadlineSeconds?: number;
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate: { metadata?: Record<string, unknown>; spec: JobSpec };
}

export type Namespace = Resource<'v1', 'Namespace'>;
export type ServiceAccount = Resource<'v1', 'ServiceAccount'> & { secrets?: { name: string }[]; imagePullSecrets?: { name: string }[] };
export type Role = Resource<'rbac.authorization.k8s.io/v1', 'Role'> & { rules?: PolicyRule[] };
export type ClusterRole = Resource<'rbac.authorization.k8s.io/v1', 'ClusterRole'> & { rules?: PolicyRule[]; aggregationRule?: unknown };
export type RoleBinding = Resource<'rbac.authorization.k8s.io/v1', 'RoleBinding'> & { roleRef: RoleRef; subjects?: Subject[] };
export type ClusterRoleBinding = Resource<'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'> & { roleRef: RoleRef; subjects?: Subject[] };
export type ConfigMap = Resource<'v1', 'ConfigMap'> & { data?: Record<string, string>; binaryData?: Record<string, string> };
export type Secret = Resource<'v1', 'Secret'> & { type?: string; data?: Record<string, string>; stringData?: Record<string, string> };
export type CronJob = Resource<'batch/v1', 'CronJob', CronJobSpec>;
export type Job = Resource<'batch/v1', 'Job', JobSpec>;
export type Deployment = Resource<'apps/v1', 'Deployment', { replicas?: number; selector: { matchLabels?: Record<string, string> }; template: PodTemplateSpec }>;
export type Service = Resource<'v1', 'Service', { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[]; type?: string }>;
export type ResourceQuota = Resource<'v1', 'ResourceQuota', { hard?: Record<string, string> }>;
export type LimitRange = Resource<'v1', 'LimitRange', { limits?: { type: string; default?: Record<string, string>; defaultRequest?: Record<string, string>; max?: Record<string, string>; min?: Record<string, string> }[] }>;
export type PersistentVolumeClaim = Resource<'v1', 'PersistentVolumeClaim', { accessModes?: string[]; resources?: { requests?: Record<string, string> }; storageClassName?: string }>;
