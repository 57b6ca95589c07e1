// Crier's one failure comment per pull request (prow pkg/github/report/report.go): a table of the
// jobs whose latest run failed, each with its commit, its logs and the command to rerun it. The
// comment is edited as results come in, never duplicated; when everything passes again it says so.

import type { Reply } from '../reply.js';
import type { RunFacts } from '../runs.js';
import { cell } from './format.js';

export const FAILURE_MARKER = 'test-report';

/** The newest completed run of each job, whatever its commit (input is oldest first, attempt breaks ties). */
function latestCompleted(runs: readonly RunFacts[]): RunFacts[] {
  const out = new Map<string, RunFacts>();
  for (const r of runs) {
    if (r.state !== 'succeeded' && r.state !== 'failed') continue;
    const prev = out.get(r.job);
    if (!prev || prev.sha !== r.sha || (r.attempt ?? 0) >= (prev.attempt ?? 0)) out.set(r.job, r);
  }
  return [...out.values()].sort((a, b) => a.job.localeCompare(b.job));
}

export interface FailureCommentPlan {
  reply: Reply;
  /** Post it even if no comment exists yet (something failed); otherwise only edit an existing one. */
  create: boolean;
}

/** The failure comment for a pull request's runs, or undefined when no job has finished. */
export function failureComment(runs: readonly RunFacts[], author: string): FailureCommentPlan | undefined {
  const latest = latestCompleted(runs);
  if (latest.length === 0) return undefined;
  const failed = latest.filter((r) => r.state === 'failed');
  if (failed.length === 0) {
    return { create: false, reply: { marker: FAILURE_MARKER, body: `@${author}: all jobs **passed**.` } };
  }
  const rows = failed.map((r) => `| ${cell(r.job)} | ${r.sha.slice(0, 7)} | [logs](${r.url}) | \`${cell(r.rerunCommand ?? `/test ${r.job}`)}\` |`);
  const s = failed.length > 1 ? 's' : '';
  const body = [
    `@${author}: the following job${s} **failed**; say \`/retest\` to rerun the failed tasks of every failed job:`,
    '',
    '| Job | Commit | Details | Rerun command |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  return { create: true, reply: { marker: FAILURE_MARKER, body } };
}
