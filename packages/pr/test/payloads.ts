// Real webhook payloads from @octokit/webhooks-examples (GitHub's own examples), adjusted where a
// test needs another author, commit or comment body. GitHub's examples of issue_comment are on
// issues; a pull request's comment is the same payload with `issue.pull_request` set, as GitHub
// sends it.

import { createRequire } from 'node:module';

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples/api.github.com/index.json') as Definition[];

/** A deep copy of GitHub's example of this event and action. */
export function example(event: string, action: string): Record<string, unknown> {
  const found = definitions.find((d) => d.name === event)?.examples.find((e) => e['action'] === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  return structuredClone(found);
}

type Obj = Record<string, Record<string, unknown>>;

/** A pull_request event (GitHub's example) with this action, author, head commit and draft flag. */
export function pullRequestEvent(action: string, o: { author?: string; sha?: string; draft?: boolean } = {}): Record<string, unknown> {
  const base = example('pull_request', action === 'edited' ? 'opened' : action);
  base['action'] = action;
  const pr = base['pull_request'] as Obj[string];
  if (o.author) (pr['user'] as Obj[string])['login'] = o.author;
  if (o.sha) (pr['head'] as Obj[string])['sha'] = o.sha;
  if (o.draft !== undefined) pr['draft'] = o.draft;
  return base;
}

/** An issue_comment `created` on a pull request, by `commenter`, with this body. */
export function prCommentEvent(body: string, commenter: string, o: { action?: string; onIssue?: boolean } = {}): Record<string, unknown> {
  const base = example('issue_comment', o.action ?? 'created');
  const issue = base['issue'] as Obj[string];
  const comment = base['comment'] as Obj[string];
  if (!o.onIssue) issue['pull_request'] = { url: String(issue['url']).replace('/issues/', '/pulls/') };
  comment['body'] = body;
  (comment['user'] as Obj[string])['login'] = commenter;
  return base;
}
