import type { GitHubPort } from './github.js';
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

/** Opens the failure issue, or comments on the open one with the same title and label. Returns its number and what was done. */
export async function reportFailure(gh: GitHubPort, plan: ReleasePlan, labels: readonly string[], r: FailureReport): Promise<{ issue: number; action: 'opened' | 'commented' }> {
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
  const label = labels[0] ?? 'release-failure';
  const open = await gh.findOpenIssue(title, label);
  if (open !== undefined) {
    await gh.comment(open, body);
    return { issue: open, action: 'commented' };
  }
  return { issue: await gh.createIssue(title, body, [...labels]), action: 'opened' };
}
