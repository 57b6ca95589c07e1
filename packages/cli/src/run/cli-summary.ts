import type { Condition, ParamValue } from '@plumbing/model';
import { elapsed, formatDuration, type PipelineRunStatus, type RunKind, type RunStatus, type StepState, succeededCondition, type TaskRunStatus } from '@plumbing/executor';

/** One top-level run of `plumbing run --format json`. */
export interface RunSummary {
  kind: RunKind;
  name: string;
  succeeded: Condition['status'];
  reason: string;
  message: string;
  results: { name: string; value: ParamValue }[];
  /** `reusedFrom`: not run here, reused from that run (plumbing run --retry-failed). */
  taskRuns: { pipelineTaskName: string; name: string; succeeded: Condition['status']; reason: string; results: { name: string; value: ParamValue }[]; reusedFrom?: string }[];
}

export function isPipelineRunStatus(s: RunStatus): s is PipelineRunStatus {
  return 'childReferences' in s || 'taskRuns' in s;
}

export function summarizeRun(kind: RunKind, name: string, status: RunStatus): RunSummary {
  const c = succeededCondition(status);
  const base = { kind, name, succeeded: c?.status ?? 'Unknown', reason: c?.reason ?? '', message: c?.message ?? '' } as const;
  if (kind === 'PipelineRun' && isPipelineRunStatus(status)) {
    return {
      ...base,
      results: (status.results ?? []).map((r) => ({ name: r.name, value: r.value })),
      taskRuns: (status.taskRuns ?? []).map((t) => {
        const tc = succeededCondition(t.status);
        return {
          pipelineTaskName: t.pipelineTaskName,
          name: t.name,
          succeeded: tc?.status ?? 'Unknown',
          reason: tc?.reason ?? '',
          results: (t.status.results ?? []).map((r) => ({ name: r.name, value: r.value })),
          ...(t.reusedFrom !== undefined ? { reusedFrom: t.reusedFrom } : {}),
        };
      }),
    };
  }
  const tr = status as TaskRunStatus;
  return { ...base, results: (tr.results ?? []).map((r) => ({ name: r.name, value: r.value })), taskRuns: [] };
}

function show(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function mark(status: string | undefined, reason: string | undefined): string {
  if (status === 'True') return '✓';
  if (reason && /cancel/i.test(reason)) return '⊘';
  if (status === 'False') return '✗';
  return '●';
}

/** Durations measured while running (ms precision), by TaskRun and step; statuses carry whole seconds. */
export type DurationOf = (taskRun?: string, step?: string) => number | undefined;

function stepLine(s: StepState, measured: number | undefined): string {
  const t = s.terminated;
  if (!t) return `${s.running ? '●' : '·'} ${s.name}${s.waiting ? ` ${s.waiting.reason}` : ''}`;
  const icon = t.reason === 'Skipped' ? '-' : /cancel/i.test(t.reason) ? '⊘' : t.exitCode === 0 || t.reason === 'Continued' ? '✓' : '✗';
  const d = formatDuration(measured ?? elapsed(t.startedAt, t.finishedAt, new Date()) ?? 0);
  return `${icon} ${s.name} ${t.reason}${t.exitCode !== 0 && t.reason !== 'Skipped' && !/cancel/i.test(t.reason) ? ` (exit ${t.exitCode})` : ''} ${d}`;
}

function results(indent: string, list: readonly { name: string; value: ParamValue }[]): string[] {
  return list.map((r) => `${indent}result ${r.name} = ${show(r.value)}`);
}

function taskRunLines(indent: string, label: string, taskRun: string, status: TaskRunStatus, now: Date, durationOf: DurationOf): string[] {
  const c = succeededCondition(status);
  const d = durationOf(taskRun) ?? elapsed(status.startTime, status.completionTime, now) ?? 0;
  const out = [`${indent}${mark(c?.status, c?.reason)} ${label}  ${c?.reason ?? 'Unknown'}  ${formatDuration(d)}`];
  if (c?.status === 'False' && c.message) out.push(`${indent}    ${c.message}`);
  for (const s of status.steps ?? []) out.push(`${indent}    ${stepLine(s, durationOf(taskRun, s.name))}`);
  out.push(...results(`${indent}    `, status.results ?? []));
  return out;
}

/** The end-of-run status tree: runs, their TaskRuns and steps, reasons, messages and results. */
export function formatStatusTree(kind: RunKind, name: string, status: RunStatus, now: Date = new Date(), durationOf: DurationOf = () => undefined): string {
  if (kind === 'TaskRun' || !isPipelineRunStatus(status)) return `${taskRunLines('', `TaskRun ${name}`, name, status as TaskRunStatus, now, durationOf).join('\n')}\n`;
  const c = succeededCondition(status);
  const out = [`${mark(c?.status, c?.reason)} PipelineRun ${name}  ${c?.reason ?? 'Unknown'}  ${formatDuration(durationOf() ?? elapsed(status.startTime, status.completionTime, now) ?? 0)}`];
  if (c?.message) out.push(`    ${c.message}`);
  for (const t of status.taskRuns ?? []) {
    const label = t.reusedFrom !== undefined ? `${t.pipelineTaskName} (reused from ${t.reusedFrom})` : t.name === `${name}-${t.pipelineTaskName}` ? t.pipelineTaskName : `${t.pipelineTaskName} (${t.name})`;
    out.push(...taskRunLines('  ', label, t.name, t.status, now, durationOf));
  }
  for (const s of status.skippedTasks ?? []) out.push(`  - ${s.name}  skipped: ${s.reason}`);
  out.push(...results('  ', status.results ?? []));
  return `${out.join('\n')}\n`;
}
