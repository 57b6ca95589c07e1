/**
 * A retry's reused tasks (`PipelineRunRequest.reused`): before the first reconcile, each pipeline
 * task that succeeded in the earlier run is done and succeeded, with that run's TaskRuns (marked
 * `reusedFrom`), their results for `$(tasks.X.results.Y)` and its child references, as if it had
 * just run. Tasks the request names that the pipeline no longer has are ignored (decided again).
 */
import { hasMatrix } from '@plumbing/model';
import { resultsOf } from './pipeline-taskruns.js';
import type { RunState } from './reconcile-state.js';

export function applyReused(s: RunState): void {
  for (const r of s.req.reused ?? []) {
    const n = s.byName.get(r.pipelineTaskName);
    if (!n || n.isFinally || n.prep.pipeline || r.taskRuns.length === 0) continue;
    const matrixed = hasMatrix(n.prep.pt.matrix);
    n.state = 'done';
    n.outcome = 'succeeded';
    n.reason = 'Succeeded';
    n.runs = r.taskRuns.map((t) => ({ ...t, pipelineTaskName: n.name, reusedFrom: t.reusedFrom ?? r.from }));
    n.results = resultsOf(n.runs, matrixed);
    if (matrixed) n.matrixLength = n.runs.length;
    for (const t of n.runs) s.childReferences.push({ kind: 'TaskRun', name: t.name, pipelineTaskName: n.name });
    s.opts.onEvent?.({ type: 'pipelinetask-reused', pipelineRun: s.req.name, pipelineTask: n.name, from: r.from, taskRuns: n.runs.map((t) => t.name), at: s.iso() });
  }
}
