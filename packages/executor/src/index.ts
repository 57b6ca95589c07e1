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
