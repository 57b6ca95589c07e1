/**
 * Creating and running the TaskRuns of one pipeline task: names (`kmeta.ChildName`), matrix
 * combinations, workspaces, timeouts, labels, retries (`retriesStatus`), the parallelism limit.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Combination, Condition, Param, ParamValue, PipelineTask, TaskSpec } from '@plumbing/model';
import type { PipelineTaskOutcome } from './pipeline-status.js';
import type { ChildTaskRun, ExecOptions, PipelineRunRequest, ResolvedParam, ResolvedWorkspace, TaskRunRequest, TaskRunStatus } from '../contracts.js';

/** kmeta.ChildName: `<parent><suffix>`, hashed down to 63 characters when too long. */
export function childName(parent: string, suffix: string): string {
  const longest = 63;
  const head = longest - 32;
  const md5 = (x: string) => createHash('md5').update(x).digest('hex');
  if (parent.length <= longest - suffix.length) return parent + suffix;
  if (head - suffix.length <= 0) {
    let ret = parent.slice(0, head) + md5(parent + suffix);
    const d = longest - ret.length;
    if (d > 0) ret += suffix.slice(0, d);
    return ret.replace(/-+$/, '');
  }
  return parent.slice(0, head - suffix.length) + md5(parent) + suffix;
}

/**
 * TaskRun names of a pipeline task (`getNewRunNames`): `<pr>-<pt>`, or `<pr>-<pt>-<i>` for a
 * matrix with several combinations (truncated so that `-<i>` survives hashing).
 */
export function taskRunNames(pipelineRun: string, pipelineTask: string, combinations: number | undefined): string[] {
  if (combinations === undefined || combinations === 1) return [childName(pipelineRun, `-${pipelineTask}`)];
  return Array.from({ length: combinations }, (_, i) => {
    const name = childName(pipelineRun, `-${pipelineTask}-${i}`);
    if (name.endsWith(`-${i}`)) return name;
    const base = childName(pipelineRun, `-${pipelineTask}`).slice(0, 63 - `-${combinations}`.length);
    return `${base}-${i}`;
  });
}

/** A counting semaphore for `req.parallel`. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = Math.max(1, n);
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export function succeededCondition(status: TaskRunStatus): Condition | undefined {
  return status.conditions.find((c) => c.type === 'Succeeded');
}

export function isCancelledRun(status: TaskRunStatus): boolean {
  return succeededCondition(status)?.reason === 'TaskRunCancelled';
}

export interface TaskRunPlan {
  pt: PipelineTask;
  isFinally: boolean;
  spec: TaskSpec;
  taskName?: string;
  combinations?: Combination[];
  /** Explicit timeout (taskRunSpecs > task), or the computed one. */
  timeoutMs?: number;
}

export interface RunContext {
  req: PipelineRunRequest;
  opts: ExecOptions;
  slots: Slots;
  pipelineName: string;
  /** Fresh dirs made for emptyDir bindings, removed at the end. */
  tempDirs: string[];
}

function resolvedParams(pt: PipelineTask, combo: Combination | undefined): ResolvedParam[] {
  const out: ResolvedParam[] = (pt.params ?? []).map((p: Param) => ({ name: p.name, value: p.value as ParamValue }));
  for (const [name, value] of combo ?? []) {
    const i = out.findIndex((p) => p.name === name);
    if (i >= 0) out[i] = { name, value };
    else out.push({ name, value });
  }
  return out;
}

/** Workspaces for one TaskRun: PipelineTask bindings (+ auto-bound ones for embedded specs) onto the run's bindings. */
export function taskRunWorkspaces(ctx: RunContext, pt: PipelineTask, spec: TaskSpec): ResolvedWorkspace[] {
  const bindings = [...(pt.workspaces ?? [])];
  if (pt.taskSpec) {
    const text = JSON.stringify(spec);
    for (const w of ctx.req.workspaces) {
      if (!bindings.some((b) => b.name === w.name) && text.includes(`$(workspaces.${w.name}.`)) bindings.push({ name: w.name, workspace: w.name });
    }
  }
  const out: ResolvedWorkspace[] = [];
  for (const b of bindings) {
    const run = ctx.req.workspaces.find((w) => w.name === (b.workspace ?? b.name));
    if (!run) continue;
    let hostPath = run.hostPath;
    if (run.kind === 'emptyDir') {
      hostPath = mkdtempSync(join(tmpdir(), 'plumbing-emptydir-'));
      ctx.tempDirs.push(hostPath);
    }
    if (hostPath !== undefined && (run.subPath || b.subPath)) {
      if (run.subPath) hostPath = join(hostPath, run.subPath);
      if (b.subPath) hostPath = join(hostPath, b.subPath);
      // the kubelet creates a missing subPath directory
      mkdirSync(hostPath, { recursive: true });
    }
    const ws: ResolvedWorkspace = { name: b.name };
    if (hostPath !== undefined) ws.hostPath = hostPath;
    if (run.readOnly !== undefined) ws.readOnly = run.readOnly;
    if (run.claim !== undefined) ws.claim = run.claim;
    out.push(ws);
  }
  return out;
}

function ignoreFailure(status: TaskRunStatus): TaskRunStatus {
  const conditions = status.conditions.map((c) => (c.type === 'Succeeded' && c.status === 'False' && c.reason !== 'TaskRunCancelled' ? { ...c, reason: 'FailureIgnored' } : c));
  return { ...status, conditions };
}

/**
 * Runs one TaskRun with its retries: any failure but a cancellation is retried while attempts
 * remain and the signal is not aborted; earlier attempts go to `retriesStatus`.
 */
async function runWithRetries(ctx: RunContext, plan: TaskRunPlan, name: string, combo: Combination | undefined, signal: AbortSignal): Promise<TaskRunStatus> {
  const { req, opts } = ctx;
  const pt = plan.pt;
  const trSpec = (req.taskRunSpecs ?? []).find((s) => s.pipelineTaskName === pt.name);
  const retries = pt.retries ?? 0;
  const history: TaskRunStatus[] = [];
  const uid = crypto.randomUUID();
  for (let attempt = 0; ; attempt++) {
    const labels: Record<string, string> = {
      ...req.labels,
      ...(pt.taskSpec?.metadata?.labels ?? {}),
      ...(trSpec?.metadata?.labels ?? {}),
      'tekton.dev/pipeline': ctx.pipelineName,
      'tekton.dev/pipelineRun': req.name,
      'tekton.dev/pipelineRunUID': req.uid,
      'tekton.dev/pipelineTask': pt.name,
      'tekton.dev/memberOf': plan.isFinally ? 'finally' : 'tasks',
    };
    if (plan.taskName) labels['tekton.dev/task'] = plan.taskName;
    const annotations = { ...req.annotations, ...(pt.taskSpec?.metadata?.annotations ?? {}), ...(trSpec?.metadata?.annotations ?? {}) };
    const tr: TaskRunRequest = {
      name,
      namespace: req.namespace,
      uid,
      spec: plan.spec,
      params: resolvedParams(pt, combo),
      workspaces: taskRunWorkspaces(ctx, pt, plan.spec),
      retryCount: attempt,
      labels,
      annotations,
      pipelineRun: { name: req.name, namespace: req.namespace, uid: req.uid, pipelineName: ctx.pipelineName, pipelineTaskName: pt.name },
      logDir: join(req.runDir, name),
      signal,
      resolver: { stepAction: (n) => req.resolver.stepAction(n) },
    };
    if (plan.taskName !== undefined) tr.taskName = plan.taskName;
    if (plan.timeoutMs !== undefined) tr.timeoutMs = plan.timeoutMs;
    const sa = trSpec?.serviceAccountName ?? req.serviceAccountName;
    if (sa !== undefined) tr.serviceAccountName = sa;
    if (req.objects) tr.objects = req.objects;
    await ctx.slots.acquire();
    let status: TaskRunStatus;
    try {
      status = await req.executeTaskRun(tr, opts);
    } finally {
      ctx.slots.release();
    }
    const cond = succeededCondition(status);
    const failed = cond?.status === 'False';
    if (failed && !isCancelledRun(status) && attempt < retries && !signal.aborted) {
      history.push(status);
      continue;
    }
    if (history.length > 0) status = { ...status, retriesStatus: history };
    if (failed && pt.onError === 'continue') status = ignoreFailure(status);
    return status;
  }
}

/** Runs all TaskRuns of a pipeline task (one per matrix combination) concurrently. */
export async function runPipelineTaskRuns(ctx: RunContext, plan: TaskRunPlan, signal: AbortSignal, onStart: (names: string[]) => void): Promise<ChildTaskRun[]> {
  const combos = plan.combinations;
  const names = taskRunNames(ctx.req.name, plan.pt.name, combos?.length);
  onStart(names);
  const statuses = await Promise.all(names.map((n, i) => runWithRetries(ctx, plan, n, combos?.[i], signal)));
  return names.map((name, i) => ({ name, pipelineTaskName: plan.pt.name, status: statuses[i] as TaskRunStatus }));
}

/** TaskRunCancelledByPipelineTimeoutMsg (taskrun_types.go), the statusMessage a pipeline timeout patches in. */
export const CANCELLED_BY_PIPELINE_TIMEOUT = 'TaskRun cancelled as the PipelineRun it belongs to has timed out.';

/**
 * A pipeline task's outcome from its TaskRuns, in getPipelineTasksCount's order: all succeeded;
 * any cancelled by a pipeline timeout (isCancelledForTimeOut: counted failed); any cancelled;
 * any failed (ignored with onError: continue).
 */
export function outcomeOf(runs: readonly ChildTaskRun[], pt: PipelineTask): PipelineTaskOutcome {
  const conds = runs.map((r) => succeededCondition(r.status));
  if (conds.every((c) => c?.status === 'True')) return 'succeeded';
  if (conds.some((c) => c?.reason === 'TaskRunCancelled' && (c.message ?? '').endsWith(CANCELLED_BY_PIPELINE_TIMEOUT))) return 'timedOut';
  if (runs.some((r) => isCancelledRun(r.status))) return 'cancelled';
  return pt.onError === 'continue' ? 'ignored' : 'failed';
}

/** Results of a pipeline task: one TaskRun's results, or (matrix) string results aggregated in TaskRun-name order. */
export function resultsOf(runs: readonly ChildTaskRun[], matrixed: boolean): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  if (!matrixed) {
    for (const r of runs[0]?.status.results ?? []) out.set(r.name, r.value);
    return out;
  }
  const sorted = [...runs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const run of sorted) {
    for (const r of run.status.results) {
      if (typeof r.value !== 'string') continue;
      const arr = (out.get(r.name) as string[] | undefined) ?? [];
      arr.push(r.value);
      out.set(r.name, arr);
    }
  }
  return out;
}
