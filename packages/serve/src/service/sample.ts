/**
 * A sample GitHub `pull_request` delivery, signed, for trying a running service by hand
 * (scripts/send-delivery.mjs): the fields the listeners of this repository read, in GitHub's
 * shape (https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request).
 */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

export interface SampleOptions {
  secret: string;
  /** owner/name (default plumbing-dev/plumbing). */
  repository?: string;
  /** What the run clones: a URL or a local path as file:// (default GitHub's clone URL). */
  cloneUrl?: string;
  sha: string;
  number?: number;
  action?: string;
  sender?: string;
}

export async function samplePullRequestDelivery(o: SampleOptions): Promise<{ headers: Record<string, string>; body: string }> {
  const repository = o.repository ?? 'plumbing-dev/plumbing';
  const [owner = 'plumbing-dev'] = repository.split('/');
  const number = o.number ?? 1;
  const payload = {
    action: o.action ?? 'opened',
    number,
    pull_request: { number, title: 'A sample pull request', state: 'open', draft: false, user: { login: o.sender ?? 'octocat' }, head: { sha: o.sha, ref: 'sample' }, base: { ref: 'main' } },
    repository: { full_name: repository, name: repository.split('/')[1] ?? repository, owner: { login: owner }, private: false, clone_url: o.cloneUrl ?? `https://github.com/${repository}.git`, default_branch: 'main' },
    sender: { login: o.sender ?? 'octocat' },
  };
  const body = JSON.stringify(payload);
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(o.secret, body) },
  };
}
