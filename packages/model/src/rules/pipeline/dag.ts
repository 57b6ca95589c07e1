/** The pipeline DAG: runAfter + result references, unknown runAfter, cycles (tekton/dag.ts), skip propagation (docs/tekton-semantics.md). */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { PipelineModel, PTask } from './pipeline-model.js';
import { taskVar } from './pipeline-model.js';
import { didYouMean } from '../../check/suggest.js';
import { findCycles } from '../../tekton/dag.js';

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
  // Each cycle once, from its smallest task, at the edge to the next task of the cycle.
  const parents = new Map([...deps].map(([name, edges]) => [name, edges.map((e) => e.to)]));
  for (const cycle of findCycles(parents)) {
    const first = cycle[0] as string;
    const next = cycle[1 % cycle.length] as string;
    const edge = (deps.get(first) ?? []).find((e) => e.to === next);
    if (!edge) continue;
    at(ctx, 'PIPELINE_TASK_CYCLE', edge, `cycle detected; task "${first}" depends on "${edge.to}"`, cycle.length > 1 ? `cycle: ${[...cycle, first].join(' -> ')}` : 'a task cannot depend on itself');
  }
}

/**
 * Whether a DAG task may be skipped at run time without failing: it has `when` expressions, or it
 * consumes a result of a task that may be skipped, or a parent is skipped for a reason other than
 * its own `when` (docs/tekton-semantics.md, "Skipping").
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
