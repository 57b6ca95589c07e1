// A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat take the same POST of
// `{"text": …}`): one message when a job starts failing and one when it recovers, nothing while it
// keeps failing. The webhook URL is a secret: it never appears in an error.

import { PlumbingError } from '@plumbing/model';
import { type NotifyEvent, type Notifier, type NotifyStep, transitionOf } from './types.js';

const what = (e: NotifyEvent) => (e.kind === 'periodic' ? `Periodic job *${e.job}*` : `*${e.job}* on the default branch of ${e.repository}`);

/** The pure decision: the message for this event, if any. */
export function decideSlackSteps(event: NotifyEvent): NotifyStep[] {
  const t = transitionOf(event);
  const r = event.run;
  const link = `<${r.url}|${r.name}>`;
  if (t === 'failed') return [{ notifier: 'slack', action: 'post', text: `:x: ${what(event)} failed at ${r.sha.slice(0, 7)}: ${link}` }];
  if (t === 'recovered') return [{ notifier: 'slack', action: 'post', text: `:white_check_mark: ${what(event)} recovered: ${link}` }];
  return [];
}

export const slackNotifier: Notifier = {
  name: 'slack',
  async plan(event, config) {
    return config.slack ? decideSlackSteps(event) : [];
  },
  async apply(step, config, ctx) {
    if (step.notifier !== 'slack' || !config.slack) return;
    const post = ctx.fetch ?? fetch;
    let res: Response;
    try {
      res = await post(config.slack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: step.text }) });
    } catch (e) {
      throw new PlumbingError('NOTIFY_SLACK', `the Slack webhook did not answer: ${(e as Error).message}`.split(config.slack.webhookUrl).join('[webhook]'), { hint: 'check the webhook URL secret and the network' });
    }
    if (!res.ok) {
      const detail = (await res.text()).slice(0, 200);
      throw new PlumbingError('NOTIFY_SLACK', `the Slack webhook answered ${res.status}: ${detail}`, { hint: 'check the webhook URL secret' });
    }
  },
};
