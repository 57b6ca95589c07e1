import type { DocContext, DocRule } from '../../check/rule.js';
import { checkDag } from './dag.js';
import { checkMatrix } from './matrix.js';
import { type PipelineModel, pipelineModels } from './pipeline-model.js';
import { checkTaskBindings } from './pipeline-params.js';
import { checkPipelineResults, checkTaskRefs } from './pipeline-results.js';
import { checkEmbeddedTaskSpecs, checkPipelineShape } from './pipeline-structure.js';
import { checkPipelineVars } from './pipeline-vars.js';
import { emptyDirSharingRule } from '../run/emptydir-sharing.js';
import { pipelineRunRule, taskRunEmbeddedSpecRule, taskRunRule } from '../run/run-rules.js';
import { checkWhen } from '../when/when.js';

/**
 * A rule over every pipeline spec of a document: a Pipeline's spec, a PipelineRun's pipelineSpec
 * and pipelineSpecs nested in pipeline tasks. The model is built once per document and shared.
 * Each concern is its own rule so that a crash in one cannot hide the findings of another.
 */
function perPipeline(id: string, check: (ctx: DocContext, m: PipelineModel) => void): DocRule {
  return {
    id,
    kinds: ['Pipeline', 'PipelineRun'],
    check(ctx) {
      for (const m of pipelineModels(ctx)) check(ctx, m);
    },
  };
}

/** Pipeline, PipelineRun and TaskRun rules (helper "pipeline rules" owns this family). */
export const PIPELINE_RULES: readonly DocRule[] = [
  perPipeline('pipeline-structure', checkPipelineShape),
  perPipeline('pipeline-dag', checkDag),
  perPipeline('pipeline-task-refs', checkTaskRefs),
  perPipeline('pipeline-results', checkPipelineResults),
  perPipeline('pipeline-variables', checkPipelineVars),
  perPipeline('pipeline-when', checkWhen),
  perPipeline('pipeline-matrix', checkMatrix),
  perPipeline('pipeline-task-bindings', checkTaskBindings),
  perPipeline('pipeline-embedded-task-specs', checkEmbeddedTaskSpecs),
  pipelineRunRule,
  emptyDirSharingRule,
  taskRunRule,
  taskRunEmbeddedSpecRule,
];
