/**
 * Pull requests closed while serve missed the delivery (it was down, GitHub gave up retrying):
 * at start and every spec.serve.reconcileMinutes, the stored open pull requests of each
 * repository are compared with GitHub's open ones through the GitHub port; those GitHub no longer
 * has open are recorded closed (merged as GitHub says) and their queued or running runs cancelled,
 * as a `closed` delivery would have done.
 */
import { openPullRequests, type PullRequestState, recordPullRequest } from '../store/pull-requests.js';
import type { Store } from '../store/store.js';
import type { GitHubAccess } from './github-access.js';

export interface ReconcileHost {
  readonly store: Store;
  readonly access: GitHubAccess | undefined;
  readonly runner: { cancel(name: string, reason: string, message: string): Promise<boolean> };
  log(line: string): void;
}

/** Stored open pull requests, by repository. */
async function storedOpen(store: Store): Promise<Map<string, PullRequestState[]>> {
  const byRepo = new Map<string, PullRequestState[]>();
  for (const { run: _run, ...pr } of await openPullRequests(store)) byRepo.set(pr.repository, [...(byRepo.get(pr.repository) ?? []), pr]);
  return byRepo;
}

async function cancelRunsOf(host: ReconcileHost, pr: PullRequestState): Promise<void> {
  const runs = (await host.store.listRuns({ repository: pr.repository, pullRequest: pr.number, includePrivate: true }, 500)).items;
  for (const r of runs.filter((x) => x.state === 'queued' || x.state === 'running')) {
    await host.runner.cancel(r.name, 'Cancelled', `pull request closed (${pr.repository}#${pr.number}, found closed on GitHub)`);
  }
}

/** One pass; returns the pull requests it recorded closed. Without GitHub access there is nothing to ask: none. */
export async function reconcilePullRequests(host: ReconcileHost, now = new Date()): Promise<PullRequestState[]> {
  if (!host.access) return [];
  const closed: PullRequestState[] = [];
  for (const [repository, prs] of await storedOpen(host.store)) {
    const repo = (await host.access.forRepository(repository)).repo(repository);
    const open = new Set((await repo.openPulls()).map((p) => p.number));
    for (const pr of prs) {
      if (open.has(pr.number)) continue;
      // Asked once more alone: its merge state, and whether it was reopened since the list. Only
      // a pull request GitHub says is closed is closed here: one it does not know (404: no access,
      // a repository gone or renamed) is left as it is.
      const detail = await repo.getPull(pr.number);
      if (detail?.state !== 'closed') continue;
      const at = now.toISOString();
      const state: PullRequestState = { ...pr, state: 'closed', merged: detail.mergedAt !== null, updated: at, received: at, deliveryId: 'reconcile' };
      if (!(await recordPullRequest(host.store, state))) continue;
      host.log(`pull request ${repository}#${pr.number} is ${state.merged ? 'merged' : 'closed'} on GitHub (its delivery was missed): recorded closed`);
      await cancelRunsOf(host, state);
      closed.push(state);
    }
  }
  return closed;
}
