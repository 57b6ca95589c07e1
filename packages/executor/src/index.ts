// The engines' contract (contracts.ts)
export type { ChildTaskRun, ExecOptions, ExecutePipelineRun, ExecuteTaskRun, PipelineRunRequest, PipelineRunStatus, RunEvent, StepState, TaskRunRequest, TaskRunResultValue, TaskRunStatus } from './contracts.js';
// TaskRun engine (taskrun/, step/)
export { executeTaskRun } from './taskrun/task-run.js';
// Steps in their pulled images (--images; step/step-images.ts)
export type { ImageMode } from './step/step-images.js';
export { StepImages } from './step/step-images.js';
// PipelineRun engine (pipelinerun/)
export { executePipelineRun } from './pipelinerun/pipeline-run.js';
// Tekton run files → runs → records under .plumbing/runs (runs/): plumbing run, the release's local backend
export { elapsed, formatDuration } from './runs/cli-duration.js';
export type { Engines, ExecuteRunsOptions } from './runs/execute-runs.js';
export { executeRuns } from './runs/execute-runs.js';
export type { LoadedRun, RunPlan } from './runs/load-runs.js';
export { blockingFindings, collectInvolved, findDoc, generateName, loadIndexWith, loadRunsFromFiles, planFindings, resolverFor } from './runs/load-runs.js';
export type { RunKind, RunListing, RunStatus } from './runs/record.js';
export { isInProgress, listRunRecords, printRunLogs, readRunRecord, RUNS_DIR, runDirOf, succeededCondition, taskLabel } from './runs/record.js';
// Retrying the failed tasks of a recorded PipelineRun (runs/retry.ts): plumbing run --retry-failed, /retest in serve
export type { NothingToRetry } from './runs/retry.js';
export { planRetryFailedRun, retryFailedRun } from './runs/retry.js';
