import type { DocRule, RepoRule } from '../check/rule.js';
import { CATALOG_REPO_RULES, CATALOG_RULES } from './catalog/catalog-rules.js';
import { CRONJOB_RULES } from './k8s/cronjob-rules.js';
import { SERVICE_ACCOUNT_REPO_RULES } from './k8s/k8s-service-accounts.js';
import { RBAC_REPO_RULES, RBAC_RULES } from './k8s/rbac-rules.js';
import { TRIGGER_REF_RULES } from './trigger/trigger-refs.js';
import { TRIGGER_RULES } from './trigger/trigger-rules.js';

/** Triggers, Kubernetes (CronJob, RBAC, ServiceAccount) and catalog-profile rules. */
export const CLUSTER_RULES: readonly DocRule[] = [...TRIGGER_RULES, ...TRIGGER_REF_RULES, ...CRONJOB_RULES, ...RBAC_RULES, ...CATALOG_RULES];
export const CLUSTER_REPO_RULES: readonly RepoRule[] = [...SERVICE_ACCOUNT_REPO_RULES, ...RBAC_REPO_RULES, ...CATALOG_REPO_RULES];
