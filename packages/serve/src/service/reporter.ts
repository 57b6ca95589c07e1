/**
 * Commit statuses through the one GitHub port (@plumbing/github): pending when a run is queued,
 * the final state when it ends, linking to `<public-url>/runs/<name>`. Without a token the
 * status line is logged instead, with one warning at start.
 */
import type { GitHub, StatusWrite } from '@plumbing/github';
import type { RunRow } from '../store/store.js';

export interface StatusLine {
  repository: string;
  sha: string;
  status: StatusWrite;
}

export type StatusSink = (line: StatusLine) => Promise<void>;

const STATE: Record<RunRow['state'], StatusWrite['state']> = { queued: 'pending', running: 'pending', succeeded: 'success', failed: 'failure', cancelled: 'error' };

/** The status a run shows on its commit (a pure function of the run). */
export function statusOf(run: RunRow, publicUrl: string, context: string): StatusWrite {
  const description =
    run.state === 'queued' ? 'queued' : run.state === 'running' ? 'running' : run.state === 'succeeded' ? `succeeded` : `${run.state}: ${run.reason ?? ''}${run.message ? ` ${run.message}` : ''}`;
  return { state: STATE[run.state], context: `${context}/${run.job}`, description: description.slice(0, 140), targetUrl: `${publicUrl.replace(/\/$/, '')}/runs/${run.name}` };
}

export function githubStatusSink(gh: GitHub): StatusSink {
  return async (l) => gh.repo(l.repository).createStatus(l.sha, l.status);
}

export function logStatusSink(log: (line: string) => void): StatusSink {
  return async (l) => log(`status ${l.repository}@${l.sha.slice(0, 12)} ${l.status.context}: ${l.status.state} ${l.status.description ?? ''} ${l.status.targetUrl ?? ''}`);
}

/** Reports a run's status when it has a repository and a commit; failures are logged, never thrown (the run goes on). */
export async function reportRun(sink: StatusSink, run: RunRow, publicUrl: string, context: string, log: (line: string) => void): Promise<void> {
  if (!run.repository || !run.sha) return;
  try {
    await sink({ repository: run.repository, sha: run.sha, status: statusOf(run, publicUrl, context) });
  } catch (e) {
    log(`status for ${run.name} on ${run.repository}@${run.sha.slice(0, 12)} not reported: ${e instanceof Error ? e.message : String(e)}`);
  }
}
