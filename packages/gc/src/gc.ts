import type { KubeObject, KubePort } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { type GcDecision, type GcPolicy, isOwnedByPipelineRun, planGc } from './select.js';

export interface GcOptions extends GcPolicy {
  namespace: string;
  /** Delete; without it, only the plan is computed (dry by default). */
  apply: boolean;
  /** Called after each deletion, for progress lines. */
  onDelete?: (d: GcDecision) => void;
}

export interface GcResult {
  decisions: GcDecision[];
  /** TaskRuns left to their PipelineRun's owner reference. */
  ownedTaskRuns: number;
  deleted: number;
  /** Deletions that found the run already gone (another gc, or a human). */
  alreadyGone: number;
}

/** Lists the namespace's runs, plans, and (with `apply`) deletes what the plan says, oldest first. */
export async function runGc(port: KubePort, opts: GcOptions): Promise<GcResult> {
  if (!opts.namespace) throw new PlumbingError('GC_USAGE', 'gc needs a namespace');
  const [pipelineRuns, taskRuns] = await Promise.all([
    port.list('tekton.dev/v1', 'PipelineRun', { namespace: opts.namespace }),
    port.list('tekton.dev/v1', 'TaskRun', { namespace: opts.namespace }),
  ]);
  const runs: KubeObject[] = [...pipelineRuns, ...taskRuns];
  const decisions = planGc(runs, opts);
  const result: GcResult = { decisions, ownedTaskRuns: taskRuns.filter(isOwnedByPipelineRun).length, deleted: 0, alreadyGone: 0 };
  if (!opts.apply) return result;
  const doomed = decisions.filter((d) => d.action === 'delete').sort((a, b) => ((a.completionTime ?? '') < (b.completionTime ?? '') ? -1 : 1));
  for (const d of doomed) {
    const gone = await port.delete({ apiVersion: 'tekton.dev/v1', kind: d.kind, name: d.name, namespace: d.namespace }, { propagationPolicy: 'Background' });
    if (gone) result.deleted++;
    else result.alreadyGone++;
    opts.onDelete?.(d);
  }
  return result;
}

/** Human text: one line per run to delete, counts of what stays and why. */
export function formatGc(result: GcResult, apply: boolean): string {
  const lines: string[] = [];
  const del = result.decisions.filter((d) => d.action === 'delete');
  for (const d of del) lines.push(`${apply ? 'deleted' : 'would delete'}  ${d.kind}/${d.name}  (${d.group}, completed ${d.completionTime ?? '?'})`);
  const kept = result.decisions.filter((d) => d.action === 'keep');
  const by = (r: string) => kept.filter((d) => d.reason === r).length;
  lines.push(
    `${apply ? 'deleted' : 'would delete'} ${del.length} run${del.length === 1 ? '' : 's'}; kept ${kept.length} (newest ${by('newest')}, running ${by('running')}, too recent ${by('too-recent')}, opted out ${by('opted-out')}); ${result.ownedTaskRuns} TaskRun${result.ownedTaskRuns === 1 ? '' : 's'} follow their PipelineRun`,
  );
  if (!apply && del.length > 0) lines.push('dry run: nothing was deleted; pass --apply to delete');
  if (result.alreadyGone > 0) lines.push(`${result.alreadyGone} run(s) were already gone`);
  return `${lines.join('\n')}\n`;
}
