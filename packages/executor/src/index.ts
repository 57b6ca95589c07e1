export type { ArrayRefProblem, Replacements, TaskRunContext, WorkspaceVars } from './substitute.js';
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
} from './substitute.js';
// TaskRun engine (task-*.ts, step-*.ts, sandbox.ts)
export { DEFAULT_TASK_TIMEOUT_MS, executeTaskRun } from './task-run.js';
export type { Mount, SandboxInfo } from './sandbox.js';
export { detectSandbox } from './sandbox.js';
export type { ImageFamily } from './step-shell.js';
export { imageFamily } from './step-shell.js';
export { formatGoDuration, parseGoDuration } from './task-duration.js';
export { paramSpecType } from './task-params.js';
export { MAX_RESULT_SIZE } from './task-results.js';
// plumbing run / runs / logs (cli-*.ts, load-runs*.ts, record.ts, live-view.ts)
export type { CliIo, RunCliOptions } from './cli-run.js';
export { EXIT_CANCELLED, runCli } from './cli-run.js';
export type { Engines, ExecuteRunsOptions, RunOutcome } from './cli-execute.js';
export { executeRuns } from './cli-execute.js';
export { elapsed, formatDuration, parseDuration } from './cli-duration.js';
export type { RunSummary } from './cli-summary.js';
export { formatStatusTree, summarizeRun } from './cli-summary.js';
export type { LoadedRun, LoadRunsOptions, RunPlan } from './load-runs.js';
export { generateName, loadRunsFromFiles, resolverFor } from './load-runs.js';
export type { FlagRunOptions } from './load-runs-flags.js';
export { loadRunFromFlags, parseParamFlag } from './load-runs-flags.js';
export type { LiveViewOptions } from './live-view.js';
export { LiveView } from './live-view.js';
export type { LogOptions, RunKind, RunListing, RunRecord, RunRecordMeta, RunStatus, StepLogFile } from './record.js';
export { listRunRecords, printRunLogs, readRunRecord, RUNS_DIR, runDirOf, stepLogFiles } from './record.js';
// PipelineRun engine (pipeline-*.ts, dag.ts, when.ts, cel.ts, matrix.ts)
export type { PipelineRunCancelReason } from './pipeline-run.js';
export { executePipelineRun } from './pipeline-run.js';
export type { Dag, DagResult } from './dag.js';
export { buildDag, taskDeps, topologicalOrder } from './dag.js';
export type { CelOutcome } from './cel.js';
export { evaluateCel } from './cel.js';
export type { WhenOutcome } from './when.js';
export { evaluateWhen } from './when.js';
export type { Combination } from './matrix.js';
export { fanOut, MAX_MATRIX_COMBINATIONS } from './matrix.js';
export type { PipelineTaskOutcome } from './pipeline-status.js';
export { finalCondition, SkipReason, tasksMessage } from './pipeline-status.js';
export type { ImageTool } from './contracts.js';
export { imageName, imageToolFor, PLUMBING_IMAGE, runningCliTool } from './image-tools.js';
