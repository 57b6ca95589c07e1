/**
 * The reconciler's decisions for one pending pipeline task (pipelinerunresolution.go skip /
 * IsFinallySkipped, pipelinerun.go runNextSchedulableTask): skip it (with Tekton's reason),
 * invalidate it, fail the whole run, wait, or start it.
 */
import { evaluateWhen, fanOut, hasEmptyMatrixParam, hasMatrix, type PipelineTask } from '@plumbing/model';
import { matrixTypeError, pipelineTaskEnumError } from './pipeline-matrix-types.js';
import { type MissingResult, resolveForRun } from './pipeline-resolve.js';
import { SkipReason } from './pipeline-status.js';
import { failPermanently, invalidate, isStopping, type Node, type RunState, skip } from './reconcile-state.js';
import { startTask, taskSpecOf } from './reconcile-start.js';

/** A DAG task: skip (in Tekton's order), wait for its parents, or start it. True when it changed state. */
export function decideDag(s: RunState, n: Node): boolean {
  if (isStopping(s)) return skip(s, n, SkipReason.Stopping);
  if (s.graceful === 'CancelledRunFinally') return skip(s, n, SkipReason.GracefullyCancelled);
  if (s.graceful === 'StoppedRunFinally') return skip(s, n, SkipReason.GracefullyStopped);
  const parents = s.prepared.dag.parents.get(n.name) ?? [];
  if (parents.some((p) => s.byName.get(p)?.state !== 'done')) return false;
  const r = resolveForRun(n.prep.pt, s.byName, undefined);
  // skip() order (pipelinerunresolution.go skip): stopping, gracefully cancelled/stopped (above), parent
  // skipped, results missing, when, pipeline timeout, tasks timeout, empty matrix
  if (parents.some((p) => s.byName.get(p)?.outcome === 'skipped' && s.byName.get(p)?.skipReason !== SkipReason.WhenExpressions)) {
    return skip(s, n, SkipReason.ParentTasks);
  }
  const miss = r.missing[0];
  if (miss && (n.prep.pt.onError === 'continue' || r.missing.some((m) => m.producerSkippedByWhen))) return skip(s, n, SkipReason.MissingResults);
  const when = evaluateWhen(r.pt.when);
  if (!when.ok) return invalidate(n, when.message);
  if (!when.allowed) return skip(s, n, SkipReason.WhenExpressions, r.pt.when);
  if (s.pipelineTimedOut) return skip(s, n, SkipReason.PipelineTimedOut);
  if (s.tasksTimedOut) return skip(s, n, SkipReason.TasksTimedOut);
  if (r.pt.matrix && hasEmptyMatrixParam(r.pt.matrix)) return skip(s, n, SkipReason.EmptyMatrixArray);
  if (miss) return invalidate(n, missingResultMessage(s, n, miss));
  // No combination limit here: Tekton checks it only in pipelineSpec.Validate, on the spec before
  // substitution (pipeline-prepare.ts); a matrix fed by params or results fans out whatever its size.
  return startChecked(s, n, r.pt);
}

/**
 * CheckMissingResultReferences, when the task is about to be scheduled (tektoncd/pipeline#9529): a producer
 * that succeeded gets the explicit message; for one that failed (onError: continue) the resolution error of
 * resultrefresolution.go findTaskResultForParam is kept unchanged.
 */
function missingResultMessage(s: RunState, n: Node, miss: MissingResult): string {
  const producerSucceeded = s.byName.get(miss.producer)?.outcome === 'succeeded';
  return producerSucceeded
    ? `task ${JSON.stringify(miss.producer)} completed successfully but did not emit the result ${JSON.stringify(miss.result)}, which is referenced by task ${JSON.stringify(n.name)}`
    : `Invalid task result reference: Could not find result with name ${miss.result} for task ${miss.producer}`;
}

/** A finally task, once the DAG is done: skip it (IsFinallySkipped's order) or start it. */
export function decideFinally(s: RunState, n: Node): boolean {
  const r = resolveForRun(n.prep.pt, s.byName, s.dagNodes);
  // IsFinallySkipped order: results missing, when, pipeline timeout, finally timeout, empty matrix
  if (r.missing.length > 0) return skip(s, n, SkipReason.MissingResults);
  const when = evaluateWhen(r.pt.when);
  if (!when.ok) return invalidate(n, when.message);
  if (!when.allowed) return skip(s, n, SkipReason.WhenExpressions, r.pt.when);
  if (s.pipelineTimedOut) return skip(s, n, SkipReason.PipelineTimedOut);
  if (s.finallyTimedOut) return skip(s, n, SkipReason.FinallyTimedOut);
  if (r.pt.matrix && hasEmptyMatrixParam(r.pt.matrix)) return skip(s, n, SkipReason.EmptyMatrixArray);
  return startChecked(s, n, r.pt);
}

/**
 * pipelinerun.go runNextSchedulableTask: before creating a matrixed task's TaskRuns,
 * ValidateParameterTypesInMatrix runs over the whole state (every pipeline task as resolved so far).
 */
function startChecked(s: RunState, n: Node, pt: PipelineTask): boolean {
  if (hasMatrix(pt.matrix)) {
    n.resolvedPt = pt;
    const err = matrixTypeError(s.nodes.map((x) => x.resolvedPt ?? resolveForRun(x.prep.pt, s.byName, undefined).pt));
    // pipelinerun.go: MarkFailed(InvalidMatrixParameterTypes, "Failed to validate matrix %q with error %w",
    // WrapUserError(err)): one argument for two verbs, so Go prints %!w(MISSING)
    if (err) return failPermanently(s, 'InvalidMatrixParameterTypes', `[User error] Failed to validate matrix ${JSON.stringify(err)} with error %!w(MISSING)`);
  }
  n.resolvedPt = pt;
  const spec = taskSpecOf(n, pt);
  const enumErr = spec && pipelineTaskEnumError(pt, spec, hasMatrix(pt.matrix) ? fanOut(pt.matrix) : undefined);
  if (enumErr) return failPermanently(s, 'InvalidParamValue', enumErr);
  startTask(s, n, pt);
  return true;
}

/**
 * pipelinerun.go resolvePipelineState → ResolvePipelineTask → validateArrayResultsIndex, for every task not
 * started yet, on each reconcile: an out-of-bounds index into a finished producer's array result fails the
 * whole PipelineRun at once ("[User error] PipelineRun <ns>/<name> can't be Run; couldn't resolve all
 * references: ..."), whether or not the consumer could be scheduled yet.
 */
export function checkResultIndexes(s: RunState): void {
  for (const n of s.nodes) {
    if (n.state !== 'pending' || s.permanent) continue;
    const r = resolveForRun(n.prep.pt, s.byName, undefined);
    if (r.indexError) failPermanently(s, 'PipelineValidationFailed', `[User error] PipelineRun ${s.req.namespace}/${s.req.name} can't be Run; ${r.indexError}`);
  }
}
