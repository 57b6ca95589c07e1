// The GitHub issue notifier: a failing job gets an issue (or a comment on its open issue); a
// passing run closes it with a recovery comment. The open issue is the state: found by its title.

import { PlumbingError } from '@plumbing/model';
import { humanDuration } from '../reports/format.js';
import { redact } from '../reports/redact.js';
import { type NotifyConfig, type NotifyContext, type NotifyEvent, type Notifier, type NotifyStep, transitionOf } from './types.js';

export const issueTitle = (event: Pick<NotifyEvent, 'job' | 'kind'>) => (event.kind === 'periodic' ? `Periodic job ${event.job} is failing` : `${event.job} is failing on the default branch`);

function failureText(event: NotifyEvent, secretValues: readonly string[]): string {
  const r = event.run;
  const failed = r.tasks.filter((t) => t.state === 'failed' || t.state === 'timed-out').map((t) => t.name);
  return [
    `Run [${r.name}](${r.url}) of \`${event.job}\` failed at ${r.sha.slice(0, 7)}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}${r.message ? `: ${redact(r.message, secretValues)}` : ''}.`,
  ].join('\n');
}

/** The pure decision: the steps for this event, given the job's open issue (if any). */
export function decideIssueSteps(event: NotifyEvent, openIssue: number | undefined, cfg: NonNullable<NotifyConfig['githubIssue']>, secretValues: readonly string[] = []): NotifyStep[] {
  const t = transitionOf(event);
  const repository = cfg.repository;
  if (t === 'failed' || t === 'still-failing') {
    if (openIssue !== undefined) return [{ notifier: 'github-issue', action: 'comment', repository, issue: openIssue, body: `Failed again. ${failureText(event, secretValues)}` }];
    return [{ notifier: 'github-issue', action: 'open', repository, title: issueTitle(event), body: failureText(event, secretValues), labels: cfg.labels }];
  }
  if ((t === 'recovered' || t === 'ok') && openIssue !== undefined) {
    const r = event.run;
    return [
      { notifier: 'github-issue', action: 'comment', repository, issue: openIssue, body: `Recovered: run [${r.name}](${r.url}) passed at ${r.sha.slice(0, 7)} in ${humanDuration(r.durationMs)}. Closing.` },
      { notifier: 'github-issue', action: 'close', repository, issue: openIssue },
    ];
  }
  return [];
}

function issuesOf(ctx: NotifyContext, repository: string) {
  if (!ctx.issues) throw new PlumbingError('NOTIFY_NO_GITHUB', `the github-issue notifier needs GitHub access to ${repository}, and the service has none`, { hint: 'configure a token or the GitHub App' });
  return ctx.issues(repository);
}

export const githubIssueNotifier: Notifier = {
  name: 'github-issue',
  async plan(event, config, ctx) {
    const cfg = config.githubIssue;
    if (!cfg || transitionOf(event) === 'none') return [];
    const open = await issuesOf(ctx, cfg.repository).findOpenIssue(issueTitle(event), cfg.labels[0]);
    return decideIssueSteps(event, open, cfg, ctx.secretValues);
  },
  async apply(step, _config, ctx) {
    if (step.notifier !== 'github-issue') return;
    const issues = issuesOf(ctx, step.repository);
    if (step.action === 'open') await issues.createIssue(step.title, step.body, step.labels);
    else if (step.action === 'comment') await issues.comment(step.issue, step.body);
    else await issues.closeIssue(step.issue);
  },
};
