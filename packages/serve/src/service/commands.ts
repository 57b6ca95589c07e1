/**
 * Comment commands on pull requests (@plumbing/pr's registry): gathered, decided by
 * `decideComment` (each command authorized by the policy's roles; one reply that says why for an
 * unknown command, bad arguments or no permission), then applied: the GitHub writes by pr's
 * appliers (ok-to-test grants, the hold status), runs, reruns of what failed, cancels, holds of
 * the runs and image builds here.
 */
import {
  type Action,
  applyGitHubActions,
  applyReply,
  buildImageReply,
  commandsToHandle,
  decideComment,
  gatherCommandContext,
  issueCommentEventFacts,
  type JobFacts,
  type PrPolicy,
  type RunFacts as PrRunFacts,
} from '@plumbing/pr';
import type { GitHubRepo } from '@plumbing/github';
import type { DeliveryRow, RunRow, Store } from '../store/store.js';
import type { GitHubAccess } from './github-access.js';

export interface CommandServices {
  store: Store;
  access: GitHubAccess | undefined;
  policyFor(repository: string): PrPolicy;
  log(line: string): void;
  /** The jobs a pull request's pull_request event runs (from the listener), at its head. */
  pullRequestJobs(d: DeliveryRow, body: unknown, headSha: string): Promise<string[]>;
  /** Stores and queues the listener's runs of these jobs for the pull request's head. */
  runJobs(d: DeliveryRow, body: unknown, headSha: string, jobs: readonly string[], bindSecrets: boolean, actor: string): Promise<RunRow[]>;
  /** A rerun of only what failed (the succeeded tasks' results and workspaces reused). */
  retryFailed(name: string, actor: string, bindSecrets: boolean): Promise<RunRow>;
  cancel(name: string, reason: string, message: string): Promise<boolean>;
  /** `/hold` (on) or `/unhold` of the pull request: its runs wait, or go to the queue. */
  hold(repository: string, number: number, by: string, on: boolean): Promise<RunRow[]>;
  /** Stores and queues an image build of the pull request's head. */
  buildImage(d: DeliveryRow, action: Extract<Action, { kind: 'build-image' }>, actor: string): Promise<RunRow>;
  runUrl(name: string): string;
  prRunFacts(run: RunRow): Promise<PrRunFacts>;
}

/** Carries out the actions GitHub writes did not: runs, reruns, cancels, image builds; returns lines for the reply. */
async function applyServiceActions(s: CommandServices, d: DeliveryRow, body: unknown, actions: readonly Action[], actor: string, repo: GitHubRepo, number: number, bot: string): Promise<string[]> {
  const lines: string[] = [];
  for (const a of actions) {
    try {
      if (a.kind === 'run') {
        const runs = await s.runJobs(d, body, a.sha, a.jobs, a.bindSecrets, actor);
        s.log(`${repo.repository}#${number}: ${a.reason}: started ${runs.map((r) => r.name).join(', ') || 'nothing'}`);
      } else if (a.kind === 'rerun') {
        const run = await s.retryFailed(a.run, actor, a.bindSecrets);
        s.log(`${repo.repository}#${number}: /retest: ${run.name} reruns ${a.rerunTasks.join(', ')} of ${a.run} (reusing ${a.reuseTasks.join(', ') || 'nothing'})`);
      } else if (a.kind === 'cancel') {
        for (const name of a.runs) await s.cancel(name, 'Cancelled', a.reason);
      } else if (a.kind === 'build-image') {
        const run = await s.buildImage(d, a, actor);
        await applyReply(repo, number, buildImageReply(a.image, a.context, String(a.params.revision ?? ''), s.runUrl(run.name)), bot);
      }
    } catch (e) {
      lines.push(`- \`${a.kind}\` could not be carried out: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return lines;
}

/** Handles the commands of an issue_comment delivery (nothing for comments without commands). */
export async function handleComment(s: CommandServices, d: DeliveryRow, body: unknown): Promise<void> {
  const ev = issueCommentEventFacts(body);
  const repository = `${ev.repo.owner}/${ev.repo.name}`;
  const policy = s.policyFor(repository);
  const commands = commandsToHandle(ev, policy);
  if (commands.length === 0) return;
  if (!s.access) {
    s.log(`delivery ${d.id}: ${commands.map((c) => `/${c.name}`).join(' ')} on ${repository}#${ev.number} ignored: comment commands need GitHub access (spec.serve.githubTokenSecret or githubApp)`);
    return;
  }
  const gh = await s.access.forRepository(repository);
  const repo = gh.repo(repository);
  const pull = await repo.getPull(ev.number);
  const jobNames = pull ? await s.pullRequestJobs(d, body, pull.headSha) : [];
  const jobs: JobFacts[] = jobNames.map((name) => ({ name }));
  const rows = (await s.store.listRuns({ repository, pullRequest: ev.number, includePrivate: true }, 500)).items.reverse();
  const runs = await Promise.all(rows.filter((r) => r.sha).map((r) => s.prRunFacts(r)));
  const { ctx, comments } = await gatherCommandContext({ org: gh, repo }, ev, commands, policy, { jobs, runs });
  const plan = decideComment(ev, ctx);
  const pullUrl = `${gh.baseUrl.replace(/\/+$/, '').replace(/\/api\/v3$/, '').replace('://api.', '://')}/${repository}/pull/${ev.number}`;
  for (const a of plan.actions) if (a.kind === 'hold' || a.kind === 'unhold') await s.hold(repository, ev.number, a.by, a.kind === 'hold');
  const rest = await applyGitHubActions(repo, ev.number, plan.actions, policy, pullUrl);
  const failures = await applyServiceActions(s, d, body, rest, ev.commenter, repo, ev.number, policy.bot);
  const reply = plan.reply ?? (failures.length ? { marker: 'commands', body: `@${ev.commenter}:` } : undefined);
  if (reply) await applyReply(repo, ev.number, { ...reply, body: [reply.body, ...failures].join('\n') }, policy.bot, comments);
}
