/**
 * The trust gate on pull_request deliveries (Prow's trigger handlePR through @plumbing/pr): the
 * author's trust and the `/ok-to-test` grants are gathered through the GitHub port, then
 * `decidePullRequest` says whether the listener's runs are stored, and with secrets. A pull
 * request that may not run gets a pending "Not started: why" status per job and, when opened,
 * the welcome reply; a close cancels its runs, a new commit cancels the runs of older ones.
 */
import {
  applyReply,
  applyStatus,
  decideCodeTrust,
  decidePullRequest,
  type CommentFacts,
  decideTrust,
  gatherComments,
  gatherOwners,
  gatherUserFacts,
  grantsFrom,
  type Owners,
  type OkToTestGrant,
  type PrOrgPort,
  type PrPolicy,
  type PrRepoPort,
  type TrustDecision,
  type UserFacts,
  type PullRequestDecision,
  pullRequestEventFacts,
  waitingStatus,
} from '@plumbing/pr';
import type { DeliveryRow, RunRow, Store } from '../store/store.js';
import type { GitHubAccess } from './github-access.js';
import type { Admission } from './intake.js';

export interface GateContext {
  store: Store;
  access: GitHubAccess | undefined;
  policyFor(repository: string): PrPolicy;
  cancel(name: string, reason: string, message: string): Promise<boolean>;
  log(line: string): void;
  trustCache: TrustCache;
}

const OWNERS_TTL_MS = 60_000;

/** OWNERS per repository and an author's facts per repository, kept a minute (the service owns one): a burst of pushes asks GitHub once. */
export type TrustCache = Map<string, { at: number; owners: Promise<Owners> | Promise<UserFacts> }>;

function cached<T>(cache: TrustCache, key: string, make: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < OWNERS_TTL_MS) return hit.owners as Promise<T>;
  const value = make();
  cache.set(key, { at: Date.now(), owners: value as Promise<Owners> });
  value.catch(() => cache.delete(key));
  return value;
}

/** pr's gatherPullRequestTrust, except that the comments (the /ok-to-test grants) are read only for an untrusted author. */
async function gatherTrust(trustCache: TrustCache, org: PrOrgPort, repo: PrRepoPort & { repository: string }, policy: PrPolicy, number: number, author: string): Promise<{ author: TrustDecision; grants: OkToTestGrant[]; comments?: CommentFacts[] }> {
  const owners = () => cached(trustCache, `owners ${repo.repository}`, () => gatherOwners(repo, policy));
  const facts = await cached(trustCache, `user ${repo.repository} ${author.toLowerCase()}`, async () => gatherUserFacts(org, repo, policy, await owners(), author));
  const decision = decideTrust(facts, policy);
  if (decision.trusted) return { author: decision, grants: [] };
  const comments = await gatherComments(repo, number);
  return { author: decision, grants: grantsFrom(comments, policy.bot), comments };
}

/** Actions whose runs decidePullRequest decides itself; for any other action the listener chose to run, only the code's trust is decided. */
const HANDLED = new Set(['opened', 'reopened', 'ready_for_review', 'synchronize', 'edited', 'closed', 'converted_to_draft']);

async function cancelRuns(ctx: GateContext, repository: string, pr: number, which: PullRequestDecision['cancel'], headSha: string, why: string): Promise<void> {
  if (which === 'none') return;
  const runs = (await ctx.store.listRuns({ repository, pullRequest: pr, includePrivate: true }, 500)).items;
  const doomed = runs.filter((r: RunRow) => (r.state === 'queued' || r.state === 'running') && (which === 'all' || r.sha !== headSha));
  for (const r of doomed) await ctx.cancel(r.name, which === 'all' ? 'Cancelled' : 'Superseded', `${why} (${repository}#${pr})`);
}

/** Decides a pull_request delivery's runs; the GitHub writes (waiting statuses, the welcome) follow from the decision. */
export async function admitPullRequest(ctx: GateContext, d: DeliveryRow, body: unknown, jobs: string[]): Promise<Admission> {
  const ev = pullRequestEventFacts(body);
  const repository = `${ev.repo.owner}/${ev.repo.name}`;
  if (jobs.length === 0 && ev.action !== 'closed' && ev.action !== 'converted_to_draft') return { run: true, bindSecrets: true, reason: 'nothing to run' };
  if (!ctx.access) return { run: true, bindSecrets: false, reason: 'no GitHub access: the author cannot be trust-checked, so the runs get no secrets' };
  const policy = ctx.policyFor(repository);
  const gh = await ctx.access.forRepository(repository);
  const repo = gh.repo(repository);
  const trust = await gatherTrust(ctx.trustCache, gh, repo, policy, ev.number, ev.author);
  let decision = decidePullRequest(ev, trust.author, trust.grants, policy);
  if (!HANDLED.has(ev.action) && jobs.length > 0) {
    const code = decideCodeTrust(trust.author, ev.headSha, trust.grants, policy);
    decision = { run: code.runnable, bindSecrets: code.bindSecrets, cancel: 'none', reason: code.reason ?? `trusted (${trust.author.via ?? `/ok-to-test by @${code.grantedBy}`})` };
  }
  await cancelRuns(ctx, repository, ev.number, decision.cancel, ev.headSha, decision.reason);
  ctx.log(`delivery ${d.id}: ${repository}#${ev.number} ${ev.action} by @${ev.author}: ${decision.run ? 'runs' : 'does not run'} (${decision.reason})${decision.run && !decision.bindSecrets ? ', without secrets' : ''}`);
  if (!decision.run && jobs.length > 0 && decision.reason !== 'pull request closed') {
    const pullUrl = String((body as { pull_request?: { html_url?: unknown } }).pull_request?.html_url ?? '');
    for (const job of jobs) await applyStatus(repo, waitingStatus(policy, job, ev.headSha, decision.reason, pullUrl));
  }
  if (decision.reply) await applyReply(repo, ev.number, decision.reply, policy.bot, trust.comments);
  return { run: decision.run && jobs.length > 0, bindSecrets: decision.bindSecrets, reason: decision.reason };
}
