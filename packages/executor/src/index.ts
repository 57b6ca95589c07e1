export type { ArrayRefProblem, Replacements, TaskRunContext, WorkspaceVars } from './substitution/substitute.js';
export {
  addParam,
  applyArrayReplacements,
  applyReplacements,
  applyReplacementsAsString,
  applyToList,
  applyToParamValue,
  applyToStep,
  applyToTaskSpec,
  applyToWhen,
  artifactPathReplacements,
  checkIsolated,
  checkNoWholeRef,
  contextReplacements,
  exitCodePathReplacements,
  mergeReplacements,
  newReplacements,
  paramKeySpellings,
  paramReplacements,
  parseResultValue,
  replaceDeepStrings,
  resultPathReplacements,
  stepContainerName,
  stepResultPathReplacements,
  stepResultReplacements,
  TEKTON_PATHS,
  valueType,
  workspaceReplacements,
} from './substitution/substitute.js';
// TaskRun engine (taskrun/, step/)
export { DEFAULT_TASK_TIMEOUT_MS, executeTaskRun } from './taskrun/task-run.js';
export type { Mount, SandboxInfo } from './step/sandbox.js';
export { detectSandbox } from './step/sandbox.js';
export type { ImageFamily } from './step/step-shell.js';
export { imageFamily } from './step/step-shell.js';
export { paramSpecType } from './taskrun/task-params.js';
export { MAX_RESULT_SIZE } from './taskrun/task-results.js';
// plumbing run / runs / logs (front/)
export type { CliIo, RunCliOptions } from './front/cli-run.js';
export { EXIT_CANCELLED, runCli } from './front/cli-run.js';
export type { Engines, ExecuteRunsOptions, RunOutcome } from './front/cli-execute.js';
export { executeRuns } from './front/cli-execute.js';
export { elapsed, formatDuration } from './front/cli-duration.js';
export type { RunSummary } from './front/cli-summary.js';
export { formatStatusTree, summarizeRun } from './front/cli-summary.js';
export type { LoadedRun, LoadRunsOptions, RunPlan } from './front/load-runs.js';
export { generateName, loadRunsFromFiles, resolverFor } from './front/load-runs.js';
export type { FlagRunOptions } from './front/load-runs-flags.js';
export { loadRunFromFlags, parseParamFlag } from './front/load-runs-flags.js';
export type { LiveViewOptions } from './front/live-view.js';
export { LiveView } from './front/live-view.js';
export type { LogOptions, RunKind, RunListing, RunRecord, RunRecordMeta, RunStatus, StepLogFile } from './front/record.js';
export { listRunRecords, printRunLogs, readRunRecord, RUNS_DIR, runDirOf, stepLogFiles } from './front/record.js';
// PipelineRun engine (pipelinerun/)
export type { PipelineRunCancelReason } from './pipelinerun/pipeline-run.js';
export { executePipelineRun } from './pipelinerun/pipeline-run.js';
export type { PipelineTaskOutcome } from './pipelinerun/pipeline-status.js';
export { finalCondition, SkipReason, tasksMessage } from './pipelinerun/pipeline-status.js';
export type { ImageTool } from './contracts.js';
export { imageName, imageToolFor, PLUMBING_IMAGE, runningCliTool } from './step/image-tools.js';
