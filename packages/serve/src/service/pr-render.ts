/**
 * What `/test` and `/ok-to-test` run: the runs the cluster's listeners create for a pull_request
 * event of the pull request at its head, the same YAML that runs on every push. The event is the
 * pull request's newest stored pull_request delivery (or one made from the comment's fields), as
 * a `synchronize` to the head commit.
 */
import type { JsonMap } from '@plumbing/model';
import type { Store } from '../store/store.js';
import type { SecretReader } from '../triggers/cel-env.js';
import { type ResolvedListener, runListener } from '../triggers/listener.js';
import { jobOf } from './facts.js';
import { withoutSignature } from './intake.js';

export interface RenderedRun {
  listener: ResolvedListener;
  trigger: string;
  resource: JsonMap;
  job: string;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});

/** A pull_request body for the pull request a comment is on: its newest pull_request delivery, as a push of `headSha` by the commenter. */
export async function pullRequestBody(store: Store, commentBody: unknown, headSha: string): Promise<Raw> {
  const c = obj(commentBody);
  const issue = obj(c['issue']);
  const repository = obj(c['repository']);
  const latest = typeof repository['full_name'] === 'string' && typeof issue['number'] === 'number' ? await store.latestDeliveryOf(repository['full_name'], issue['number'], 'pull_request') : undefined;
  const base: Raw = latest
    ? obj(JSON.parse(latest.body))
    : {
        number: issue['number'],
        pull_request: { number: issue['number'], title: issue['title'], user: issue['user'], html_url: obj(issue['pull_request'])['html_url'], head: {}, base: {}, draft: false },
        repository,
      };
  const pr = obj(base['pull_request']);
  return { ...base, action: 'synchronize', sender: c['sender'], pull_request: { ...pr, head: { ...obj(pr['head']), sha: headSha } } };
}

/** The runs every listener renders for this pull_request body (the listeners' filters apply). */
export async function renderPullRequest(listeners: Iterable<ResolvedListener>, secrets: SecretReader, body: Raw, requestURL: string): Promise<RenderedRun[]> {
  const out: RenderedRun[] = [];
  const header = { 'X-Github-Event': ['pull_request'], 'Content-Type': ['application/json'] };
  for (const l of listeners) {
    const outcomes = await runListener(withoutSignature(l), { body, rawBody: JSON.stringify(body), header, requestURL, extensions: {} }, secrets);
    for (const o of outcomes) for (const resource of o.resources) out.push({ listener: l, trigger: o.trigger, resource, job: jobOf(resource) });
  }
  return out;
}

