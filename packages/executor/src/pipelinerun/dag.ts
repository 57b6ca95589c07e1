/**
 * The pipeline DAG (tektoncd/pipeline pkg/reconciler/pipeline/dag/dag.go): dependencies are
 * `runAfter` ∪ the tasks whose results a task references (params, matrix, when, displayName,
 * and anything inside an embedded taskSpec).
 */
import type { PipelineTask } from '@plumbing/model';
import { scanRefs } from '@plumbing/model';

export interface Dag {
  /** Task names in spec order. */
  names: string[];
  /** name → names it depends on (deduplicated, spec order of first mention). */
  parents: Map<string, string[]>;
  /** name → names that depend on it. */
  children: Map<string, string[]>;
}

export type DagResult = { ok: true; dag: Dag } | { ok: false; message: string };

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

/** Builds the DAG with Tekton's error messages: duplicates, cycles (checked first), unknown dependencies. */
export function buildDag(tasks: readonly PipelineTask[]): DagResult {
  const names: string[] = [];
  for (const t of tasks) {
    if (names.includes(t.name)) {
      return { ok: false, message: `task ${t.name} is already present in Graph, can't add it again: duplicate pipeline task` };
    }
    names.push(t.name);
  }
  const deps = new Map<string, string[]>();
  for (const t of tasks) deps.set(t.name, taskDeps(t));
  const cycle = findCycle(deps);
  if (cycle) return { ok: false, message: `cycle detected; ${cycle}` };
  const children = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const t of tasks) {
    for (const d of deps.get(t.name) ?? []) {
      if (!children.has(d)) {
        return {
          ok: false,
          message: `couldn't add link between ${t.name} and ${d}: task ${t.name} depends on ${d} but ${d} wasn't present in Pipeline`,
        };
      }
      children.get(d)?.push(t.name);
    }
  }
  return { ok: true, dag: { names, parents: deps, children } };
}

/** Kahn's algorithm as Tekton runs it; reports the lexicographically smallest task left in a cycle. */
function findCycle(deps: Map<string, string[]>): string | undefined {
  const remaining = new Map<string, Set<string>>();
  const childMap = new Map<string, Set<string>>();
  const independent: string[] = [];
  for (const [task, ds] of deps) {
    if (ds.length === 0) continue;
    remaining.set(task, new Set(ds));
    for (const d of ds) {
      if ((deps.get(d) ?? []).length === 0 && !independent.includes(d)) independent.push(d);
      const c = childMap.get(d) ?? new Set<string>();
      c.add(task);
      childMap.set(d, c);
    }
  }
  while (independent.length > 0) {
    const parent = independent.pop() as string;
    for (const child of childMap.get(parent) ?? []) {
      const r = remaining.get(child);
      if (!r) continue;
      r.delete(parent);
      if (r.size === 0) {
        remaining.delete(child);
        independent.push(child);
      }
    }
    childMap.delete(parent);
  }
  if (remaining.size === 0) return undefined;
  const first = [...remaining.keys()].sort()[0] as string;
  const ds = [...(remaining.get(first) ?? [])].sort().map((d) => JSON.stringify(d));
  return `task ${JSON.stringify(first)} depends on ${ds.join(', ')}`;
}

/** A topological order (Kahn, ties broken by spec order). Assumes an acyclic graph. */
export function topologicalOrder(dag: Dag): string[] {
  const indeg = new Map(dag.names.map((n) => [n, (dag.parents.get(n) ?? []).length]));
  const out: string[] = [];
  const ready = dag.names.filter((n) => indeg.get(n) === 0);
  while (ready.length > 0) {
    const n = ready.shift() as string;
    out.push(n);
    for (const c of dag.children.get(n) ?? []) {
      const d = (indeg.get(c) ?? 0) - 1;
      indeg.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  return out;
}
