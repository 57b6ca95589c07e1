// Notifications when a periodic job or a default-branch run fails or recovers: notifiers are
// plug-ins (one file each, listed in registry.ts); each plans steps from gathered facts (a pure
// decision, exported for tests) and applies them.

import type { RunFacts } from '../runs.js';

export interface NotifyEvent {
  job: string;
  kind: 'periodic' | 'default-branch';
  /** "owner/name" of the repository the job belongs to. */
  repository: string;
  /** The run that just finished. */
  run: RunFacts;
  /** The job's previous finished outcome, if any. */
  previous?: 'succeeded' | 'failed';
}

/** `failed`: ok (or nothing) → fail; `still-failing`: fail → fail; `recovered`: fail → ok; `ok`: ok → ok; `none`: not a finished outcome (cancelled). */
export type Transition = 'failed' | 'still-failing' | 'recovered' | 'ok' | 'none';

export function transitionOf(event: NotifyEvent): Transition {
  const now = event.run.state;
  if (now === 'failed') return event.previous === 'failed' ? 'still-failing' : 'failed';
  if (now === 'succeeded') return event.previous === 'failed' ? 'recovered' : 'ok';
  return 'none';
}

export interface NotifyConfig {
  /** Open an issue in this repository per failing job (comment while it is open, close on recovery). */
  githubIssue?: { repository: string; labels: string[] };
  /** A Slack-compatible incoming webhook (POST `{"text": …}`); the URL is a secret. */
  slack?: { webhookUrl: string };
}

/** The part of the GitHub port (one repository's issues) the issue notifier uses. */
export interface NotifyIssues {
  findOpenIssue(title: string, label?: string): Promise<number | undefined>;
  createIssue(title: string, body: string, labels: readonly string[]): Promise<number>;
  comment(issue: number, body: string): Promise<unknown>;
  closeIssue(issue: number): Promise<void>;
}

export interface NotifyContext {
  /** The issues of a repository ("owner/name"), through the GitHub port. */
  issues?: (repository: string) => NotifyIssues;
  /** HTTP for webhooks (default: the global fetch). */
  fetch?: typeof fetch;
  /** Secret values that must not reach an issue (a run's message is redacted with them). */
  secretValues?: readonly string[];
}

export type NotifyStep =
  | { notifier: 'github-issue'; action: 'open'; repository: string; title: string; body: string; labels: string[] }
  | { notifier: 'github-issue'; action: 'comment'; repository: string; issue: number; body: string }
  | { notifier: 'github-issue'; action: 'close'; repository: string; issue: number }
  | { notifier: 'slack'; action: 'post'; text: string };

export interface Notifier {
  name: NotifyStep['notifier'];
  /** Gathers what the decision needs and decides (nothing when the config does not enable it). */
  plan(event: NotifyEvent, config: NotifyConfig, ctx: NotifyContext): Promise<NotifyStep[]>;
  apply(step: NotifyStep, config: NotifyConfig, ctx: NotifyContext): Promise<void>;
}
