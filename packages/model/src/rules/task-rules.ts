import type { DocContext, DocRule } from '../rule.js';
import type { NodePath } from '../finding.js';

/**
 * Validates a task spec wherever it appears: a Task's `spec`, a TaskRun's `taskSpec`, a pipeline
 * task's `taskSpec` (embedded: `params` may come from the pipeline, see tekton-semantics §2.1).
 * `path` is the path of the spec inside `ctx.doc`.
 */
export function checkTaskSpec(_ctx: DocContext, _spec: Record<string, unknown>, _path: NodePath, _opts: { embedded: boolean; pipelineParams?: readonly unknown[] } = { embedded: false }): void {}

/** Task, StepAction and step-level rules (helper "task rules" owns this family). */
export const TASK_RULES: readonly DocRule[] = [];
