import type { KubeObject } from '@plumbing/kube';

/** Why a run is kept or deleted. */
export type GcReason = 'running' | 'newest' | 'too-recent' | 'owned' | 'opted-out' | 'old';

export interface GcDecision {
  kind: 'PipelineRun' | 'TaskRun';
  name: string;
  namespace: string;
  /** The pipeline or task the run belongs to (its history group). */
  group: string;
  action: 'keep' | 'delete';
  reason: GcReason;
  completionTime?: string;
}

export interface GcPolicy {
  /** Runs kept per pipeline/task, newest first; at least 1 (the latest of each scheduled job always stays). */
  keep: number;
  /** Only runs that completed at least this long ago are deleted. */
  minAgeMs: number;
  now: Date;
}

/** The annotation that keeps a run forever (e.g. a release run kept for its logs). */
export const GC_OPT_OUT = 'plumbing.dev/gc';

function conditionStatus(run: KubeObject): string | undefined {
  const status = run.status as { conditions?: { type?: string; status?: string }[] } | undefined;
  return status?.conditions?.find((c) => c.type === 'Succeeded')?.status;
}

function completionTime(run: KubeObject): string | undefined {
  const t = (run.status as { completionTime?: unknown } | undefined)?.completionTime;
  return typeof t === 'string' ? t : undefined;
}

/** A run is finished only when its Succeeded condition is True or False AND it has a completion time. */
export function isFinished(run: KubeObject): boolean {
  const s = conditionStatus(run);
  return (s === 'True' || s === 'False') && completionTime(run) !== undefined;
}

/** The history a run belongs to: its pipeline or task, as Tekton labels it, else its ref, else "(embedded)". */
export function groupOf(run: KubeObject): string {
  const labels = run.metadata.labels ?? {};
  const spec = (run.spec ?? {}) as { pipelineRef?: { name?: string }; taskRef?: { name?: string } };
  if (run.kind === 'PipelineRun') return labels['tekton.dev/pipeline'] ?? spec.pipelineRef?.name ?? '(embedded)';
  return labels['tekton.dev/task'] ?? spec.taskRef?.name ?? '(embedded)';
}

/** TaskRuns created by a PipelineRun go when their PipelineRun goes (owner references): never deleted on their own. */
export function isOwnedByPipelineRun(run: KubeObject): boolean {
  const owners = (run.metadata.ownerReferences ?? []) as { kind?: string }[];
  return run.kind === 'TaskRun' && (owners.some((o) => o.kind === 'PipelineRun') || run.metadata.labels?.['tekton.dev/pipelineRun'] !== undefined);
}

function sortKey(run: KubeObject): string {
  return completionTime(run) ?? run.metadata.creationTimestamp ?? '';
}

/**
 * Decides, for every run, keep or delete. Guards (behaviour 10): keep ≥ 1, never a running run,
 * never one completed less than minAge ago, never one annotated `plumbing.dev/gc: keep`, never a
 * TaskRun owned by a PipelineRun. Within each group, the newest `keep` finished runs stay.
 */
export function planGc(runs: readonly KubeObject[], policy: GcPolicy): GcDecision[] {
  if (!Number.isInteger(policy.keep) || policy.keep < 1) throw new RangeError(`keep must be a whole number ≥ 1, got ${policy.keep}`);
  const out: GcDecision[] = [];
  const groups = new Map<string, KubeObject[]>();
  const decide = (run: KubeObject, action: GcDecision['action'], reason: GcReason) => {
    const d: GcDecision = { kind: run.kind as GcDecision['kind'], name: run.metadata.name, namespace: run.metadata.namespace ?? '', group: groupOf(run), action, reason };
    const ct = completionTime(run);
    if (ct) d.completionTime = ct;
    out.push(d);
  };
  for (const run of runs) {
    if (isOwnedByPipelineRun(run)) continue; // not ours to decide: they follow their PipelineRun
    const key = `${run.kind}\u0000${run.metadata.namespace ?? ''}\u0000${groupOf(run)}`;
    const list = groups.get(key);
    if (list) list.push(run);
    else groups.set(key, [run]);
  }
  const cutoff = policy.now.getTime() - policy.minAgeMs;
  for (const list of groups.values()) {
    // Newest first; the running ones are kept whatever their place.
    const sorted = [...list].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0));
    let finishedKept = 0;
    for (const run of sorted) {
      if (!isFinished(run)) decide(run, 'keep', 'running');
      else if (run.metadata.annotations?.[GC_OPT_OUT] === 'keep') decide(run, 'keep', 'opted-out');
      else if (finishedKept < policy.keep) {
        finishedKept++;
        decide(run, 'keep', 'newest');
      } else if (Date.parse(completionTime(run)!) > cutoff) decide(run, 'keep', 'too-recent');
      else decide(run, 'delete', 'old');
    }
  }
  return out.sort((a, b) => (a.kind + a.namespace + a.group + a.name < b.kind + b.namespace + b.group + b.name ? -1 : 1));
}
