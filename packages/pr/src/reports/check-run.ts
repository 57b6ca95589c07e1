// Check runs (GitHub App mode): the summary has a table of tasks with state and duration, the
// last 20 lines of the failing step's log with secret values redacted, and `plumbing check`
// findings become annotations at their file and line (the GitHub port sends them 50 per request,
// GitHub's limit, appending the rest with updates of the same check run).

import type { Finding } from '@plumbing/model';
import type { CheckAnnotation, CheckOutput, CheckRunCreate } from '@plumbing/github';
import type { PrPolicy } from '../policy.js';
import type { RunFacts, TaskFacts } from '../runs.js';
import { cell, humanDuration, lastLines, truncate } from './format.js';
import { redact } from './redact.js';
import { statusContext } from './status.js';

export type AnnotationLevel = CheckAnnotation['level'];
export type Annotation = CheckAnnotation;

/** A check run to create or update (the port's CheckRunCreate, with the output always set). */
export type CheckRunPayload = CheckRunCreate & { externalId: string; detailsUrl: string; output: CheckOutput & { annotations: CheckAnnotation[] } };

/** A finding as `plumbing check --format json` prints it. */
/** A finding of `plumbing check --format json`: the model's own shape. */
export type CheckFinding = Finding;

export const LOG_LINES = 20;
const MAX_SUMMARY = 65_535;
const LEVEL: Record<CheckFinding['severity'], AnnotationLevel> = { error: 'failure', warning: 'warning', info: 'notice' };

/** The findings of `plumbing check --format json` (an error if the text is not that array). */
export function parseCheckFindings(json: string): CheckFinding[] {
  const data: unknown = JSON.parse(json);
  if (!Array.isArray(data)) throw new Error('plumbing check --format json did not print an array');
  return data.filter(
    (f): f is CheckFinding =>
      typeof f?.code === 'string' && typeof f?.message === 'string' && typeof f?.file === 'string' && typeof f?.line === 'number' && ['error', 'warning', 'info'].includes(f?.severity),
  );
}

/** Findings with a file and a line, as annotations (a finding without a position has no place in the diff). */
export function findingAnnotations(findings: readonly CheckFinding[]): Annotation[] {
  return findings
    .filter((f) => f.file !== '' && f.line >= 1)
    .map((f) => ({
      path: f.file.replace(/^\.\//, ''),
      startLine: f.line,
      endLine: f.line,
      ...(f.column >= 1 ? { startColumn: f.column, endColumn: f.column } : {}),
      level: LEVEL[f.severity],
      title: f.code,
      message: truncate(f.message, 64_000),
      ...(f.hint ? { rawDetails: f.hint } : {}),
    }));
}

const TASK_ICON: Record<TaskFacts['state'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  'timed-out': '⏱ timed out',
  cancelled: '⏹ cancelled',
  skipped: '⏭ skipped',
  running: '🔄 running',
  pending: '⏳ pending',
  'not-run': '– not run',
};

function taskTable(run: RunFacts): string {
  if (run.tasks.length === 0) return '_No tasks have started yet._';
  const rows = run.tasks.map((t) => `| ${cell(t.name)}${t.finally ? ' (finally)' : ''} | ${TASK_ICON[t.state]}${t.skipReason ? ` (${cell(t.skipReason)})` : ''} | ${humanDuration(t.durationMs)} |`);
  return ['| Task | State | Duration |', '| --- | --- | --- |', ...rows].join('\n');
}

/** A fence longer than any run of backticks in the text. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

function logSection(run: RunFacts, secretValues: readonly string[]): string {
  if (run.state !== 'failed' || !run.failingLog) return '';
  const task = run.tasks.find((t) => t.state === 'failed' || t.state === 'timed-out');
  const where = task ? `${task.name}${task.failedStep ? `/${task.failedStep}` : ''}` : 'the failing step';
  return `\n\n### Last ${LOG_LINES} lines of \`${where}\`\n\n${fenced(redact(lastLines(run.failingLog, LOG_LINES), secretValues))}`;
}

function title(run: RunFacts): string {
  const failed = run.tasks.filter((t) => t.state === 'failed' || t.state === 'timed-out').map((t) => t.name);
  const words = { queued: run.heldBy ? `held by @${run.heldBy} (starts on /unhold)` : 'queued', running: 'running', succeeded: 'succeeded', failed: `failed${failed.length ? ` (${failed.join(', ')})` : ''}`, cancelled: 'cancelled' };
  return truncate(`${run.job}: ${words[run.state]}`, 255);
}

function statusOf(run: RunFacts): Pick<CheckRunPayload, 'status' | 'conclusion'> {
  if (run.state === 'queued') return { status: 'queued' };
  if (run.state === 'running') return { status: 'in_progress' };
  if (run.state === 'succeeded') return { status: 'completed', conclusion: 'success' };
  if (run.state === 'cancelled') return { status: 'completed', conclusion: 'cancelled' };
  const timedOut = run.tasks.some((t) => t.state === 'timed-out') && !run.tasks.some((t) => t.state === 'failed');
  return { status: 'completed', conclusion: timedOut ? 'timed_out' : 'failure' };
}

/** The check run of a run: the summary (tasks, failing log), and every finding as an annotation (the port sends them 50 per request). */
export function checkRunPayload(run: RunFacts, policy: PrPolicy, findings: readonly CheckFinding[] = [], secretValues: readonly string[] = []): CheckRunPayload {
  const summaryText = `Run [${run.name}](${run.url})${run.message ? `: ${redact(run.message, secretValues)}` : ''}\n\n${taskTable(run)}${logSection(run, secretValues)}`;
  return {
    name: statusContext(policy, run.job),
    headSha: run.sha,
    externalId: run.name,
    detailsUrl: run.url,
    ...statusOf(run),
    output: { title: title(run), summary: truncate(summaryText, MAX_SUMMARY), annotations: findingAnnotations(findings) },
  };
}
