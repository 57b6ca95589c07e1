import type { DocRule, RepoRule } from '../check/rule.js';
import { CLUSTER_REPO_RULES, CLUSTER_RULES } from './cluster-rules.js';
import { CONFIG_RULES } from './config/config-rules.js';
import { PIPELINE_RULES } from './pipeline/pipeline-rules.js';
import { removedResourcesRule } from './resource/removed-resources.js';
import { committedResourceVersionRule, deprecatedApiRule, deprecatedResourceRule, duplicateResourceRule, kindVersionRule, metadataRule, resourceNameRule } from './resource/resource.js';
import { TASK_RULES } from './task/task-rules.js';

/** Every per-document rule, in the order they run. Families add rules to their own barrel, never here. */
export const DOC_RULES: readonly DocRule[] = [kindVersionRule, resourceNameRule, metadataRule, committedResourceVersionRule, deprecatedResourceRule, deprecatedApiRule, removedResourcesRule, ...TASK_RULES, ...PIPELINE_RULES, ...CLUSTER_RULES, ...CONFIG_RULES];

/** Every whole-repository rule. */
export const REPO_RULES: readonly RepoRule[] = [duplicateResourceRule, ...CLUSTER_REPO_RULES];
