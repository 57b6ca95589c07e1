export type { GcOptions, GcResult } from './gc.js';
export { formatGc, runGc } from './gc.js';
export type { GcDecision, GcPolicy, GcReason } from './select.js';
export { GC_OPT_OUT, groupOf, isFinished, isOwnedByPipelineRun, planGc } from './select.js';
