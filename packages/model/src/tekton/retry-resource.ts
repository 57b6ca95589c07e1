/**
 * The retry of a finished PipelineRun on a cluster, as a new PipelineRun (`/retest` with
 * `plumbing serve --backend cluster`). Tekton cannot resume a run or skip a task as "already
 * done" (tektoncd/pipeline#50), so the new run carries the original's resolved pipelineSpec with:
 *
 * - each reused task (decideRetry) given a `when` that is false: Tekton skips it with
 *   "When Expressions evaluated to false", and its dependents still run (when is scoped to the task);
 * - every reference to a reused task's results (`$(tasks.T.results.R)`, `[*]`, `[N]`, `.key`)
 *   replaced by the value that task produced, and `$(tasks.T.status)`/`.reason` by `Succeeded`;
 * - each workspace bound with a volumeClaimTemplate bound instead to the claim the original run's
 *   TaskRuns used (read from their spec), so what the reused tasks wrote is there. The claim lives
 *   as long as the original PipelineRun (its owner): the retry must run before that is pruned.
 *   When no claim can be found for such a workspace that a reused task uses, nothing is reused
 *   (the whole pipeline runs again) and `notes` says why.
 *
 * Pure: the caller gathers the original PipelineRun and its TaskRuns.
 */
import { PlumbingError } from '../errors.js';
import { isMap, type JsonMap } from '../yaml/values.js';
import { decideRetry, type RetryTaskFacts } from './retry.js';
import { buildPipelineDag } from './task-deps.js';
import { scanRefs } from './refs.js';

export interface RetryTaskRunFacts {
  pipelineTask: string;
  succeeded: boolean;
  results: readonly { name: string; value: unknown }[];
  /** The TaskRun's workspaces bound to a PersistentVolumeClaim: the task's workspace name and the claim. */
  claims: readonly { workspace: string; claimName: string }[];
}

export interface RetryResourcePlan {
  resource: JsonMap;
  rerun: string[];
  reuse: string[];
  notes: string[];
}

const REUSED_INPUT = 'reused by plumbing retry';
const list = (v: unknown): JsonMap[] => (Array.isArray(v) ? v.filter(isMap) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function taskFacts(spec: JsonMap, status: JsonMap, taskRuns: readonly RetryTaskRunFacts[]): RetryTaskFacts[] {
  const skipped = list(status.skippedTasks);
  const childPipelines = new Set(list(status.childReferences).filter((c) => c.kind === 'PipelineRun').map((c) => str(c.pipelineTaskName)));
  const fact = (t: JsonMap, isFinally: boolean): RetryTaskFacts => {
    const name = str(t.name);
    const skip = skipped.find((s) => s.name === name);
    const runs = taskRuns.filter((r) => r.pipelineTask === name);
    const state = childPipelines.has(name) ? 'not-run' : skip ? 'skipped' : runs.length === 0 ? 'not-run' : runs.every((r) => r.succeeded) ? 'succeeded' : 'failed';
    return { name, state, ...(skip ? { skipReason: str(skip.reason) } : {}), ...(isFinally ? { finally: true } : {}) };
  };
  return [...list(spec.tasks).map((t) => fact(t, false)), ...list(spec.finally).map((t) => fact(t, true))];
}

/** The value of a reused task's result (a matrixed task's results are arrays, one item per TaskRun). */
function resultValue(taskRuns: readonly RetryTaskRunFacts[], task: string, result: string): unknown {
  const values = taskRuns.filter((r) => r.pipelineTask === task).map((r) => r.results.find((x) => x.name === result)?.value);
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return values.length === 1 ? values[0] : values;
}

/** Replaces references to reused tasks in `v` (deeply); an exact `[*]` reference becomes the whole value. */
function substitute(v: unknown, reused: ReadonlySet<string>, taskRuns: readonly RetryTaskRunFacts[]): unknown {
  const refValue = (segments: string[], index: string | undefined): unknown => {
    const [root, task, what, result, key] = segments;
    if (root !== 'tasks' || !task || !reused.has(task)) return undefined;
    if ((what === 'status' || what === 'reason') && segments.length === 3) return 'Succeeded';
    if (what !== 'results' || !result) return undefined;
    const value = resultValue(taskRuns, task, result);
    if (key !== undefined) return isMap(value) ? value[key] : undefined;
    if (index && index !== '[*]') return Array.isArray(value) ? value[Number(index.slice(1, -1))] : undefined;
    return value;
  };
  if (typeof v === 'string') {
    if (!v.includes('$(')) return v;
    const refs = scanRefs(v);
    const only = refs.length === 1 && refs[0]!.text === v ? refValue(refs[0]!.segments, refs[0]!.index) : undefined;
    if (only !== undefined) return only;
    let out = v;
    for (const r of refs.reverse()) {
      const x = refValue(r.segments, r.index);
      if (x === undefined || (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean')) continue;
      out = out.slice(0, r.offset) + String(x) + out.slice(r.offset + r.text.length);
    }
    return out;
  }
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' && /^\$\([^)]*\[\*\]\)$/.test(x) ? [substitute(x, reused, taskRuns)].flat() : [substitute(x, reused, taskRuns)]));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, reused, taskRuns)]));
  return v;
}

/** Workspace bindings of the retry: volumeClaimTemplate → the original's claim; unbound ones used by reused tasks are reported. */
function rebindWorkspaces(spec: JsonMap, bindings: JsonMap[], reuse: readonly string[], taskRuns: readonly RetryTaskRunFacts[]): { bindings: JsonMap[]; lost: string[] } {
  const lost: string[] = [];
  const out = bindings.map((b) => {
    if (!isMap(b.volumeClaimTemplate)) return b;
    const ws = str(b.name);
    let claim: string | undefined;
    const users: string[] = [];
    for (const t of [...list(spec.tasks), ...list(spec.finally)]) {
      for (const w of list(t.workspaces).filter((w) => (str(w.workspace) || str(w.name)) === ws)) {
        users.push(str(t.name));
        claim ??= taskRuns.filter((r) => r.pipelineTask === t.name).flatMap((r) => r.claims).find((c) => c.workspace === str(w.name))?.claimName;
      }
    }
    if (claim) {
      const { volumeClaimTemplate: _t, ...rest } = b;
      return { ...rest, persistentVolumeClaim: { claimName: claim } };
    }
    if (users.some((u) => reuse.includes(u))) lost.push(ws);
    return b;
  });
  return { bindings: out, lost };
}

/** The new PipelineRun `name` that reruns only what failed of `original` (with its status and spec, as read from the cluster). */
export function retryPipelineRunResource(original: JsonMap, taskRuns: readonly RetryTaskRunFacts[], name: string, annotations: Record<string, string> = {}): RetryResourcePlan {
  const status = isMap(original.status) ? original.status : {};
  const origSpec = isMap(original.spec) ? original.spec : {};
  const spec = isMap(status.pipelineSpec) ? status.pipelineSpec : isMap(origSpec.pipelineSpec) ? origSpec.pipelineSpec : undefined;
  const meta = isMap(original.metadata) ? original.metadata : {};
  if (!spec) throw new PlumbingError('RETRY_NOT_STARTED', `PipelineRun ${str(meta.name)} has no pipelineSpec in its status (Tekton never started it): it cannot be retried task by task`, { hint: 'rerun the whole run instead' });
  const dag = buildPipelineDag(list(spec.tasks));
  const facts = taskFacts(spec, status, taskRuns);
  let d = decideRetry(facts, dag.ok ? dag.dag.parents : undefined);
  const notes: string[] = [];
  let ws = rebindWorkspaces(spec, list(origSpec.workspaces), d.reuse, taskRuns);
  if (ws.lost.length > 0) {
    notes.push(`workspace ${ws.lost.join(', ')} of ${str(meta.name)} was a volumeClaimTemplate whose claim was not found: every task runs again`);
    d = { rerun: facts.map((f) => f.name), reuse: [] };
    ws = rebindWorkspaces(spec, list(origSpec.workspaces), [], taskRuns);
  }
  const reused = new Set(d.reuse);
  const task = (t: JsonMap): JsonMap => {
    if (reused.has(str(t.name))) return { ...t, when: [...list(t.when), { input: REUSED_INPUT, operator: 'notin', values: [REUSED_INPUT] }] };
    return substitute(t, reused, taskRuns) as JsonMap;
  };
  const pipelineSpec: JsonMap = { ...spec, tasks: list(spec.tasks).map(task), ...(spec.finally ? { finally: list(spec.finally).map(task) } : {}), ...(spec.results ? { results: substitute(spec.results, reused, taskRuns) } : {}) };
  const { pipelineRef: _ref, status: _st, ...specRest } = origSpec;
  const labels = isMap(meta.labels) ? meta.labels : undefined;
  const resource: JsonMap = {
    apiVersion: str(original.apiVersion) || 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name, ...(labels ? { labels } : {}), annotations: { ...(isMap(meta.annotations) ? meta.annotations : {}), ...annotations } },
    spec: { ...specRest, pipelineSpec, ...(origSpec.workspaces ? { workspaces: ws.bindings } : {}) },
  };
  return { resource, rerun: d.rerun, reuse: d.reuse, notes };
}
