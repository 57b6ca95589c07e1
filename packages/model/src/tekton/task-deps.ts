/**
 * A pipeline task's dependencies, the edges of the pipeline DAG (dag.ts builds it): `runAfter`
 * (order) and every task whose results it references (`$(tasks.T.results.R...)`, with `[*]`,
 * `[N]` or `.key`). The one home for this: `check` draws, `run` schedules, the retry plans and
 * the dashboard draws its graph from the same answer.
 *
 * Where a reference counts (tektoncd/pipeline pkg/apis/pipeline/v1 PipelineTask.Deps and
 * PipelineTaskResultRefs: params, matrix params and include params, when input/cel/values, an
 * embedded taskSpec's steps and sidecars), and also where the reconciler substitutes results
 * without making them dependencies (resources/apply.go ApplyTaskResults: taskRef params and name,
 * displayName, workspace subPaths) and the rest of an embedded taskSpec: a reference there to a
 * task not yet done would stay unresolved in Tekton; here the task waits for its producer.
 * Not counted: `$(tasks.T.status)` and `.reason` (finally tasks and when only, not an order),
 * and anything inside an embedded pipelineSpec (its `tasks.` are its own tasks).
 *
 * Finally tasks are not in the DAG (Tekton builds theirs with no edges: they all run after it);
 * their references to DAG tasks' results are still found here, for drawing.
 */
import type { PipelineTask } from '../types/tekton.js';
import { isMap, type JsonMap } from '../yaml/values.js';
import { buildDag, type DagResult } from './dag.js';
import { type VarRef, scanRefs } from './refs.js';

/** A pipeline task, typed or as read from YAML. */
export type PipelineTaskLike = PipelineTask | JsonMap;

/**
 * Every `$(...)` reference in `s`, including one nested inside a shell command substitution
 * (`$(echo $(tasks.a.results.r))`), which scanRefs reads as one expression.
 */
export function refsIn(s: string): VarRef[] {
  const out: VarRef[] = [];
  let i = s.indexOf('$(');
  while (i >= 0) {
    const end = s.indexOf(')', i);
    if (end < 0) break;
    const text = s.slice(i, end + 1);
    if (text.indexOf('$(', 2) < 0) {
      const found = scanRefs(text);
      if (found[0]) out.push({ ...found[0], offset: i });
    }
    i = s.indexOf('$(', i + 2);
  }
  return out;
}

/** The parts of a pipeline task where a reference to another task's results is a dependency (see above). */
export function resultRefSources(pt: PipelineTaskLike): unknown[] {
  const t = pt as JsonMap;
  const ref = isMap(t.taskRef) ? t.taskRef : {};
  return [t.params, t.matrix, t.when, t.displayName, t.taskSpec, ref.params, ref.name, t.workspaces];
}

/** The tasks whose results are referenced (`<root>.<t>.results...`) in any string below `value`: producer names, first mention first. */
export function resultRefProducers(value: unknown, root: 'tasks' | 'finally' = 'tasks'): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('$(')) return;
      for (const r of refsIn(v)) {
        const task = r.segments[1];
        if (r.segments[0] === root && r.segments[2] === 'results' && task && !out.includes(task)) out.push(task);
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isMap(v)) for (const x of Object.values(v)) visit(x);
  };
  visit(value);
  return out;
}

/** The tasks named in `runAfter`, as written. */
export function runAfterOf(pt: PipelineTaskLike): string[] {
  const ra = (pt as JsonMap).runAfter;
  return Array.isArray(ra) ? ra.filter((d): d is string => typeof d === 'string') : [];
}

/** The tasks a pipeline task depends on: its runAfter, then its result producers, each once. */
export function pipelineTaskDeps(pt: PipelineTaskLike): string[] {
  return [...new Set([...runAfterOf(pt), ...resultRefProducers(resultRefSources(pt))])];
}

/** The DAG of a pipeline's tasks (not its finally tasks), with Tekton's messages for cycles and unknown tasks. */
export function buildPipelineDag(tasks: readonly PipelineTaskLike[]): DagResult {
  return buildDag(tasks.map((t) => ({ name: String((t as JsonMap).name ?? ''), deps: pipelineTaskDeps(t) })));
}
