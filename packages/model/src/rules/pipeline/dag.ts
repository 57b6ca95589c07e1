/** The pipeline DAG: runAfter + result references (tekton-semantics §8), unknown runAfter, cycles, skip propagation (§10). */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { PipelineModel, PTask } from './pipeline-model.js';
import { taskVar } from './pipeline-model.js';
import { didYouMean } from '../../check/suggest.js';

export interface Edge {
  to: string;
  /** Where the dependency is written. */
  path: NodePath;
  needle?: string | undefined;
  occurrence?: number;
  viaResult: boolean;
}

export interface Dag {
  /** Dependencies of each DAG task, by task name (first task of a name only). */
  deps: Map<string, Edge[]>;
}

const cache = new WeakMap<PipelineModel, Dag>();

const DEP_FIELDS = new Set(['params', 'matrix', 'include', 'when', 'cel', 'taskSpec']);

export function dagOf(m: PipelineModel): Dag {
  const hit = cache.get(m);
  if (hit) return hit;
  const deps = new Map<string, Edge[]>();
  for (const t of m.dag.values()) {
    const edges: Edge[] = [];
    const ra = t.value.runAfter;
    if (Array.isArray(ra)) {
      ra.forEach((n, i) => {
        if (typeof n === 'string') edges.push({ to: n, path: [...t.path, 'runAfter', i], viaResult: false });
      });
    }
    for (const list of [t.refs, t.specRefs]) {
      for (const r of list) {
        if (!DEP_FIELDS.has(r.field)) continue;
        const v = taskVar(r.ref);
        if (v?.root !== 'tasks' || v.kind !== 'result' || v.task === undefined) continue;
        edges.push({ to: v.task, path: r.path, needle: r.ref.text, occurrence: r.occurrence, viaResult: true });
      }
    }
    deps.set(t.name!, edges);
  }
  const dag = { deps };
  cache.set(m, dag);
  return dag;
}

function at(ctx: DocContext, code: 'PIPELINE_TASK_CYCLE' | 'RUN_AFTER_UNKNOWN_TASK', e: Edge, message: string, hint?: string): void {
  ctx.report(code, e.path, message, e.needle ? { needle: e.needle, occurrence: e.occurrence ?? 0, hint } : { hint });
}

export function checkDag(ctx: DocContext, m: PipelineModel): void {
  const { deps } = dagOf(m);
  // runAfter naming a task that is not a DAG task.
  for (const t of m.tasks) {
    if (t.section !== 'tasks') continue;
    const ra = t.value.runAfter;
    if (!Array.isArray(ra)) continue;
    ra.forEach((n, i) => {
      if (typeof n !== 'string' || m.dag.has(n)) return;
      const fin = m.fin.has(n);
      ctx.report('RUN_AFTER_UNKNOWN_TASK', [...t.path, 'runAfter', i], `task ${t.name ?? t.index} depends on ${n} but ${n} wasn't present in Pipeline`, {
        hint: fin ? `${n} is a finally task: finally tasks run after every task and cannot be depended on` : didYouMean(n, m.dag.keys()),
      });
    });
  }
  // Kahn's algorithm: what remains depends on a cycle.
  const remaining = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [name, edges] of deps) {
    let n = 0;
    const seen = new Set<string>();
    for (const e of edges) {
      if (!deps.has(e.to) || seen.has(e.to)) continue;
      seen.add(e.to);
      n++;
      const c = children.get(e.to);
      if (c) c.push(name);
      else children.set(e.to, [name]);
    }
    remaining.set(name, n);
  }
  const queue = [...remaining].filter(([, n]) => n === 0).map(([k]) => k);
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q]!;
    remaining.delete(k);
    for (const c of children.get(k) ?? []) {
      const n = (remaining.get(c) ?? 0) - 1;
      remaining.set(c, n);
      if (n === 0) queue.push(c);
    }
  }
  if (remaining.size === 0) return;
  // Every remaining task has a dependency that remains: follow them to find each cycle once.
  const done = new Set<string>();
  for (const start of [...remaining.keys()].sort()) {
    if (done.has(start)) continue;
    const order: string[] = [];
    const pos = new Map<string, number>();
    let cur: string | undefined = start;
    while (cur !== undefined && !done.has(cur) && !pos.has(cur)) {
      pos.set(cur, order.length);
      order.push(cur);
      cur = (deps.get(cur) ?? []).find((e) => remaining.has(e.to))?.to;
    }
    if (cur !== undefined && pos.has(cur)) {
      const cycle = order.slice(pos.get(cur)!);
      const first = [...cycle].sort()[0]!;
      const inCycle = new Set(cycle);
      const next = cycle[(cycle.indexOf(first) + 1) % cycle.length]!;
      const edge = (deps.get(first) ?? []).find((e) => e.to === next) ?? (deps.get(first) ?? []).find((e) => inCycle.has(e.to));
      if (edge) {
        at(ctx, 'PIPELINE_TASK_CYCLE', edge, `cycle detected; task "${first}" depends on "${edge.to}"`, cycle.length > 1 ? `cycle: ${[...cycle, cycle[0]].join(' -> ')}` : 'a task cannot depend on itself');
      }
    }
    for (const k of order) done.add(k);
  }
}

/**
 * Whether a DAG task may be skipped at run time without failing: it has `when` expressions, or it
 * consumes a result of a task that may be skipped, or a parent is skipped for a reason other than
 * its own `when` (tekton-semantics §10).
 */
export function skippableTasks(m: PipelineModel): (name: string) => boolean {
  const { deps } = dagOf(m);
  const inherited = new Map<string, boolean>();
  const inheritedSkip = (name: string): boolean => {
    const hit = inherited.get(name);
    if (hit !== undefined) return hit;
    inherited.set(name, false); // cycle guard
    let r = false;
    for (const e of deps.get(name) ?? []) {
      const parent = m.dag.get(e.to);
      if (!parent || e.to === name) continue;
      if (inheritedSkip(e.to) || (e.viaResult && parent.hasWhen)) {
        r = true;
        break;
      }
    }
    inherited.set(name, r);
    return r;
  };
  return (name: string) => {
    const t: PTask | undefined = m.dag.get(name);
    return t !== undefined && (t.hasWhen || inheritedSkip(name));
  };
}
