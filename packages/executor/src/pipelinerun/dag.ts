/**
 * The pipeline DAG (tektoncd/pipeline pkg/reconciler/pipeline/dag/dag.go): dependencies are
 * `runAfter` ∪ the tasks whose results a task references (params, matrix, when, displayName,
 * and anything inside an embedded taskSpec).
 */
import { buildDag as buildNamedDag, type DagResult, type PipelineTask, scanRefs } from '@plumbing/model';

/** `tasks.<t>.results...` references in any string below `value` (the producer names, deduplicated). */
export function resultRefProducers(value: unknown, root: 'tasks' | 'finally' = 'tasks'): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('$(')) return;
      for (const ref of refsIn(v)) {
        if (ref.segments[0] === root && ref.segments[2] === 'results' && ref.segments[1] && !out.includes(ref.segments[1])) out.push(ref.segments[1]);
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(value);
  return out;
}

/**
 * Every `$(...)` candidate, including ones nested inside a shell command substitution
 * (`$(echo $(tasks.a.results.r))`), which model's scanRefs would swallow as one expression.
 */
export function refsIn(s: string): ReturnType<typeof scanRefs> {
  const out: ReturnType<typeof scanRefs> = [];
  let i = s.indexOf('$(');
  while (i >= 0) {
    const end = s.indexOf(')', i);
    if (end < 0) break;
    const text = s.slice(i, end + 1);
    const inner = text.indexOf('$(', 2);
    if (inner < 0) {
      const found = scanRefs(text);
      if (found[0]) out.push({ ...found[0], offset: i });
    }
    i = s.indexOf('$(', i + 2);
  }
  return out;
}

/** The parts of a pipeline task whose result references create dependencies (§5.2). */
export function resultRefSources(pt: PipelineTask): unknown[] {
  return [pt.params, pt.matrix, pt.when, pt.displayName, pt.taskSpec, pt.taskRef?.params, pt.taskRef?.name, pt.workspaces];
}

/** Dependencies of one pipeline task: runAfter first, then result producers. */
export function taskDeps(pt: PipelineTask): string[] {
  const deps: string[] = [];
  for (const d of pt.runAfter ?? []) if (!deps.includes(d)) deps.push(d);
  for (const d of resultRefProducers(resultRefSources(pt))) if (!deps.includes(d)) deps.push(d);
  return deps;
}

/** The DAG of pipeline tasks (tekton/dag.ts in @plumbing/model decides; this reads the dependencies). */
export function buildDag(tasks: readonly PipelineTask[]): DagResult {
  return buildNamedDag(tasks.map((t) => ({ name: t.name, deps: taskDeps(t) })));
}
