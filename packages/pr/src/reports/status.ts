// Commit statuses (token mode): one context per job, the run's page as the target URL, the
// state as crier maps ProwJob states (an aborted job is a failure).

import type { PrPolicy } from '../policy.js';
import type { RunFacts } from '../runs.js';
import { humanDuration, truncate } from './format.js';

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** A commit status for `POST /repos/{owner}/{repo}/statuses/{sha}`, in the GitHub port's shape (StatusWrite plus the commit). */
export interface StatusPayload {
  sha: string;
  context: string;
  state: CommitState;
  /** At most 140 characters (GitHub's limit). */
  description: string;
  targetUrl: string;
}

export const MAX_DESCRIPTION = 140;

export const statusContext = (policy: PrPolicy, job: string) => `${policy.statusContext}/${job}`;

function failedWhere(run: RunFacts): string {
  const failed = run.tasks.filter((t) => t.state === 'failed' || t.state === 'timed-out');
  if (failed.length === 0) return run.message ?? 'failed';
  const first = failed[0];
  const step = first?.failedStep ? ` (step ${first.failedStep})` : '';
  const more = failed.length > 1 ? ` and ${failed.length - 1} more` : '';
  return `task ${first?.name}${step}${more} ${first?.state === 'timed-out' ? 'timed out' : 'failed'}`;
}

function describe(run: RunFacts): { state: CommitState; text: string } {
  switch (run.state) {
    case 'queued':
      return { state: 'pending', text: run.heldBy ? `Held by @${run.heldBy}: starts on /unhold` : 'Queued' };
    case 'running':
      return { state: 'pending', text: 'Running' };
    case 'succeeded':
      return { state: 'success', text: `Succeeded in ${humanDuration(run.durationMs)}` };
    case 'failed':
      return { state: 'failure', text: `Failed: ${failedWhere(run)}` };
    case 'cancelled':
      return { state: 'failure', text: `Cancelled${run.message ? `: ${run.message}` : ''}` };
  }
}

/** The commit status for a run of a job. */
export function commitStatus(run: RunFacts, policy: PrPolicy): StatusPayload {
  const { state, text } = describe(run);
  return { sha: run.sha, context: statusContext(policy, run.job), state, description: truncate(text, MAX_DESCRIPTION), targetUrl: run.url };
}

/** The `hold` status: pending while held (blocks merging where required), success when released. */
export function holdStatus(policy: PrPolicy, sha: string, held: boolean, by: string, targetUrl: string): StatusPayload {
  return {
    sha,
    context: `${policy.statusContext}/hold`,
    state: held ? 'pending' : 'success',
    description: truncate(held ? `Held by @${by}: /unhold to release` : `Not held (released by @${by})`, MAX_DESCRIPTION),
    targetUrl,
  };
}

/** A job that waits for `/ok-to-test` (or a draft that waits for review): pending, saying what it waits for, so the pull request shows why nothing runs. */
export function waitingStatus(policy: PrPolicy, job: string, sha: string, why: string, targetUrl: string): StatusPayload {
  return { sha, context: statusContext(policy, job), state: 'pending', description: truncate(`Not started: ${why}`, MAX_DESCRIPTION), targetUrl };
}
