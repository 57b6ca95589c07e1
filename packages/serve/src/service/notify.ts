/**
 * Notifications (@plumbing/pr's notifiers): when a periodic job or a run of a push to the default
 * branch fails, a GitHub issue is opened (or its open issue commented) and a Slack-compatible
 * webhook is posted; its recovery is reported too (issue commented and closed, one message).
 */
import { applyNotifications, type NotifyConfig, type NotifyContext, type NotifyIssues, planNotifications } from '@plumbing/pr';
import type { RunRow, Store } from '../store/store.js';
import type { SecretReader } from '../triggers/cel-env.js';
import type { ServeSettings } from './config.js';
import type { GitHubAccess } from './github-access.js';
import { prRunFacts } from './report.js';

export interface NotifyHost {
  store: Store;
  settings: ServeSettings;
  root: string;
  access: GitHubAccess | undefined;
  secrets: SecretReader;
  secretValues(): string[];
  log(line: string): void;
}

/** One repository's issues through the port, resolved when first used (a GitHub App's installation is looked up). */
function issuesOf(access: GitHubAccess, repository: string): NotifyIssues {
  const repo = access.forRepository(repository).then((gh) => gh.repo(repository));
  return {
    findOpenIssue: async (title, label) => (await repo).findOpenIssue(title, label),
    createIssue: async (title, body, labels) => (await repo).createIssue(title, body, labels),
    comment: async (issue, body) => (await repo).comment(issue, body),
    closeIssue: async (issue) => (await repo).closeIssue(issue),
  };
}

function notifyConfig(host: NotifyHost): NotifyConfig {
  const n = host.settings.notify;
  const config: NotifyConfig = {};
  if (n.githubIssue) config.githubIssue = n.githubIssue;
  const url = n.slackWebhook ? host.secrets(n.slackWebhook.name, n.slackWebhook.key) : undefined;
  if (n.slackWebhook && !url) host.log(`warning: notify.slackWebhookSecret ${n.slackWebhook.name}/${n.slackWebhook.key} is not in --secrets: no Slack message`);
  if (url) config.slack = { webhookUrl: url.trim() };
  return config;
}

/** Notifies the end of a periodic or default-branch run; failures are logged, never thrown. Returns whether anything was sent. */
export async function notifyRun(host: NotifyHost, run: RunRow): Promise<boolean> {
  const kind = run.kind === 'periodic' ? 'periodic' : run.defaultBranch ? 'default-branch' : undefined;
  if (!kind || (run.state !== 'succeeded' && run.state !== 'failed')) return false;
  const config = notifyConfig(host);
  if (!config.githubIssue && !config.slack) return false;
  try {
    const previous = await host.store.previousOutcome(run);
    const event = {
      job: run.job, kind, repository: run.repository ?? config.githubIssue?.repository ?? '', run: await prRunFacts(host.store, host.root, host.settings, run),
      ...(previous ? { previous } : {}),
    } as const;
    const access = host.access;
    const ctx: NotifyContext = { secretValues: host.secretValues(), ...(access ? { issues: (repository: string) => issuesOf(access, repository) } : {}) };
    const outcomes = await applyNotifications(await planNotifications(event, config, ctx), config, ctx);
    for (const o of outcomes) if (o.error) host.log(`notification ${o.step.notifier} ${o.step.action} for ${run.name} failed: ${o.error.message}`);
    return outcomes.length > 0;
  } catch (e) {
    host.log(`notifications for ${run.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}
