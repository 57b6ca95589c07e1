import type { DocRule, RepoRule } from '../rule.js';
import { committedResourceVersionRule, deprecatedApiRule, deprecatedResourceRule, duplicateResourceRule, kindVersionRule, resourceNameRule } from './resource.js';

/** Every per-document rule, in the order they run. */
export const DOC_RULES: readonly DocRule[] = [kindVersionRule, resourceNameRule, committedResourceVersionRule, deprecatedResourceRule, deprecatedApiRule];

/** Every whole-repository rule. */
export const REPO_RULES: readonly RepoRule[] = [duplicateResourceRule];
