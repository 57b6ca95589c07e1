import type { GitHubRepo } from '@plumbing/github';
import type { ReleasePlan } from './types.js';

export function failureIssueTitle(plan: Pick<ReleasePlan, 'kind' | 'project' | 'version'>): string {
  // One issue per nightly series (a broken nightly keeps failing: comments, not new issues); one per full version.
  return plan.kind === 'nightly' ? `Nightly release of ${plan.project} is failing` : `Release ${plan.version} of ${plan.project} failed`;
}

export interface FailureReport {
  step: string;
  error: string;
  logLink: string;
  journalLink: string;
  rerun: string;
}

/** Opens the failure issue, or comments on the open one with the same title (and first label). Returns its number and what was done. */
export async function reportFailure(gh: GitHubRepo, plan: ReleasePlan, labels: readonly string[], r: FailureReport): Promise<{ issue: number; action: 'opened' | 'commented' }> {
  const title = failureIssueTitle(plan);
  const body = [
    `The ${plan.kind} release **${plan.version}** of \`${plan.project}\` failed at step \`${r.step}\`.`,
    '',
    `- commit: ${plan.commit}`,
    `- backend: ${plan.backend}`,
    `- error: ${r.error}`,
    `- release log: ${r.logLink}`,
    `- journal: ${r.journalLink}`,
    '',
    `Re-running resumes where it stopped (done steps are verified and skipped): \`${r.rerun}\``,
  ].join('\n');
  const reported = await gh.openOrComment({ title, body, labels });
  return { issue: reported.number, action: reported.action };
}
