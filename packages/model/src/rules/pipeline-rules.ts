import type { DocRule } from '../rule.js';

/** Pipeline, PipelineRun and TaskRun rules (helper "pipeline rules" owns this family). */
export const PIPELINE_RULES: readonly DocRule[] = [];
