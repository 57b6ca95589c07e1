import type { DocRule, RepoRule } from '../rule.js';

/** Triggers, Kubernetes (CronJob, RBAC, ServiceAccount) and catalog-profile rules. */
export const CLUSTER_RULES: readonly DocRule[] = [];
export const CLUSTER_REPO_RULES: readonly RepoRule[] = [];
