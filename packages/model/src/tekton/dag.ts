/**
 * The pipeline DAG (tektoncd/pipeline `pkg/reconciler/pipeline/dag/dag.go`), on task names and
 * their dependencies (`runAfter` and the tasks whose results a task references). Pure: `check`
 * reports the cycles and missing tasks it finds, `run` refuses them with Tekton's messages.
 */

export interface DagNode {
  name: string;
  /** The names this task depends on, in the order written (duplicates allowed). */
  deps: readonly string[];
}

export interface Dag {
  /** Task names in spec order. */
  names: string[];
  /** name → names it depends on (deduplicated, order of first mention). */
  parents: Map<string, string[]>;
  /** name → names that depend on it. */
  children: Map<string, string[]>;
}

export type DagResult = { ok: true; dag: Dag } | { ok: false; message: string };

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** Builds the DAG with Tekton's error messages: duplicates, cycles (checked first), unknown dependencies. */
export function buildDag(nodes: readonly DagNode[]): DagResult {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const t of nodes) {
    if (seen.has(t.name)) return { ok: false, message: `task ${t.name} is already present in Graph, can't add it again: duplicate pipeline task` };
    seen.add(t.name);
    names.push(t.name);
  }
  const parents = new Map(nodes.map((t) => [t.name, unique(t.deps)]));
  const stuck = tasksOnCycles(parents);
  if (stuck.size > 0) {
    const first = [...stuck.keys()].sort()[0] as string;
    const ds = [...(stuck.get(first) ?? [])].sort().map((d) => JSON.stringify(d));
    return { ok: false, message: `cycle detected; task ${JSON.stringify(first)} depends on ${ds.join(', ')}` };
  }
  const missing = missingDeps(nodes);
  if (missing[0]) {
    const { task, dep } = missing[0];
    return { ok: false, message: `couldn't add link between ${task} and ${dep}: task ${task} depends on ${dep} but ${dep} wasn't present in Pipeline` };
  }
  const children = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const [name, ds] of parents) for (const d of ds) children.get(d)?.push(name);
  return { ok: true, dag: { names, parents, children } };
}

/** Each dependency on a name that is not a task, in spec order. */
export function missingDeps(nodes: readonly DagNode[]): { task: string; dep: string }[] {
  const names = new Set(nodes.map((t) => t.name));
  const out: { task: string; dep: string }[] = [];
  for (const t of nodes) for (const d of unique(t.deps)) if (!names.has(d)) out.push({ task: t.name, dep: d });
  return out;
}

/**
 * Kahn's algorithm as Tekton runs it (dependencies on unknown names are ignored): the tasks
 * left with unresolved dependencies, each with those dependencies. Empty when there is no cycle.
 */
export function tasksOnCycles(parents: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const remaining = new Map<string, Set<string>>();
  const children = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [name, ds] of parents) {
    const known = new Set(ds.filter((d) => parents.has(d)));
    if (known.size === 0) ready.push(name);
    else remaining.set(name, known);
    for (const d of known) children.set(d, [...(children.get(d) ?? []), name]);
  }
  while (ready.length > 0) {
    const parent = ready.pop() as string;
    for (const child of children.get(parent) ?? []) {
      const r = remaining.get(child);
      if (!r) continue;
      r.delete(parent);
      if (r.size === 0) {
        remaining.delete(child);
        ready.push(child);
      }
    }
  }
  return remaining;
}

/** Each cycle once, as a path from its lexicographically smallest task (`a → b → a` is `['a', 'b']`). */
export function findCycles(parents: ReadonlyMap<string, readonly string[]>): string[][] {
  const remaining = tasksOnCycles(parents);
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const start of [...remaining.keys()].sort()) {
    if (done.has(start)) continue;
    const order: string[] = [];
    const pos = new Map<string, number>();
    let cur: string | undefined = start;
    while (cur !== undefined && !done.has(cur) && !pos.has(cur)) {
      pos.set(cur, order.length);
      order.push(cur);
      cur = (parents.get(cur) ?? []).find((d) => remaining.has(d));
    }
    if (cur !== undefined && pos.has(cur)) {
      const cycle = order.slice(pos.get(cur));
      const first = cycle.indexOf([...cycle].sort()[0] as string);
      cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
    }
    for (const k of order) done.add(k);
  }
  return cycles;
}

/** A topological order (Kahn, ties broken by spec order). Assumes an acyclic graph. */
export function topologicalOrder(dag: Dag): string[] {
  const indeg = new Map(dag.names.map((n) => [n, (dag.parents.get(n) ?? []).length]));
  const out: string[] = [];
  const ready = dag.names.filter((n) => indeg.get(n) === 0);
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i] as string;
    out.push(n);
    for (const c of dag.children.get(n) ?? []) {
      const d = (indeg.get(c) ?? 0) - 1;
      indeg.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  return out;
}
