// Appliers: write what was decided through the GitHub port. Each is one small write.

import type { Action } from './commands/types.js';
import { grantsFrom, grantsReply } from './grants.js';
import type { PrPolicy } from './policy.js';
import type { PrChecksPort, PrRepoPort } from './port.js';
import { type CommentFacts, type CommentWrite, findMarked, planReply, type Reply } from './reply.js';
import type { CheckRunPayload } from './reports/check-run.js';
import { failureComment } from './reports/failure-comment.js';
import { holdStatus, type StatusPayload } from './reports/status.js';
import type { RunFacts } from './runs.js';

/** Posts or edits the bot's comment for this reply (one per marker); returns what it did. */
export async function applyReply(repo: PrRepoPort, number: number, reply: Reply, bot: string, comments?: readonly CommentFacts[]): Promise<CommentWrite> {
  const known = comments ?? (await repo.listComments(number)).map((c) => ({ id: c.id, user: c.author, body: c.body }));
  const write = planReply(reply, known, bot);
  if (write.action === 'create') await repo.comment(number, write.body);
  else if (write.action === 'update') await repo.updateComment(write.commentId, write.body);
  return write;
}

export async function applyStatus(repo: PrRepoPort, s: StatusPayload): Promise<void> {
  await repo.createStatus(s.sha, { state: s.state, context: s.context, description: s.description, targetUrl: s.targetUrl });
}

/**
 * The actions that are GitHub writes (ok-to-test grants, hold, unhold); the rest (run, rerun,
 * cancel, build-image) are the service's to carry out. Returns the actions left for the service.
 */
export async function applyGitHubActions(repo: PrRepoPort, number: number, actions: readonly Action[], policy: PrPolicy, pullUrl: string): Promise<Action[]> {
  const rest: Action[] = [];
  for (const a of actions) {
    if (a.kind === 'ok-to-test') {
      const comments = (await repo.listComments(number)).map((c) => ({ id: c.id, user: c.author, body: c.body }));
      await applyReply(repo, number, grantsReply(grantsFrom(comments, policy.bot), a.grant), policy.bot, comments);
    } else if (a.kind === 'hold' || a.kind === 'unhold') {
      await applyStatus(repo, holdStatus(policy, a.sha, a.kind === 'hold', a.by, pullUrl));
    } else rest.push(a);
  }
  return rest;
}

/** Creates the run's check run, or updates the one created before (its id kept by the service). */
export async function applyCheckRun(checks: PrChecksPort, payload: CheckRunPayload, existingId?: number): Promise<number> {
  if (existingId === undefined) return (await checks.createCheckRun(payload)).id;
  const { name: _name, headSha: _sha, ...rest } = payload;
  return (await checks.updateCheckRun(existingId, rest)).id;
}

/** Crier's failure comment: posted when something failed, edited as results change, never duplicated. */
export async function applyFailureComment(repo: PrRepoPort, number: number, runs: readonly RunFacts[], author: string, bot: string): Promise<CommentWrite | undefined> {
  const plan = failureComment(runs, author);
  if (!plan) return undefined;
  const comments = (await repo.listComments(number)).map((c) => ({ id: c.id, user: c.author, body: c.body }));
  if (!plan.create && !findMarked(comments, plan.reply.marker, bot)) return undefined;
  return applyReply(repo, number, plan.reply, bot, comments);
}
