// What a pull_request event decides (Prow's trigger handlePR): run the jobs, wait for
// /ok-to-test, skip a draft, or cancel; and whether the runs may see secrets.

import type { PrPolicy } from './policy.js';
import type { Reply } from './reply.js';
import type { OkToTestGrant, TrustDecision } from './trust.js';
import { decideCodeTrust } from './trust.js';

export interface RepoRef {
  owner: string;
  name: string;
}

/** The fields of a pull_request webhook this package uses. */
export interface PullRequestEventFacts {
  action: string;
  repo: RepoRef;
  number: number;
  author: string;
  headSha: string;
  baseRef: string;
  draft: boolean;
  /** `edited` with a changed base branch (Prow retests then). */
  baseChanged: boolean;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads a pull_request webhook body (GitHub's payload shape). */
export function pullRequestEventFacts(body: unknown): PullRequestEventFacts {
  const b = obj(body);
  const pr = obj(b['pull_request']);
  const base = obj(pr['base']);
  const repo = obj(b['repository']);
  const changes = obj(b['changes']);
  const baseChange = obj(changes['base']);
  return {
    action: text(b['action']),
    repo: { owner: text(obj(repo['owner'])['login']), name: text(repo['name']) },
    number: typeof pr['number'] === 'number' ? pr['number'] : Number(b['number'] ?? 0),
    author: text(obj(pr['user'])['login']),
    headSha: text(obj(pr['head'])['sha']),
    baseRef: text(base['ref']),
    draft: pr['draft'] === true,
    baseChanged: 'ref' in baseChange || 'sha' in baseChange,
  };
}

export interface PullRequestDecision {
  run: boolean;
  bindSecrets: boolean;
  /** `superseded`: runs of this pull request on older commits; `all`: every run of the pull request. */
  cancel: 'none' | 'superseded' | 'all';
  reason: string;
  reply?: Reply;
}

export const OK_TO_TEST_MARKER = 'ok-to-test';

function welcome(event: PullRequestEventFacts, policy: PrPolicy, why: string): Reply {
  const again = policy.okToTest === 'per-push' ? 'on each new commit' : 'once';
  return {
    marker: OK_TO_TEST_MARKER,
    body: [
      `Hi @${event.author}, thanks for the pull request.`,
      '',
      `It needs an \`/ok-to-test\` from a trusted user (${again}) before CI runs: ${why}.`,
      'A trusted user can also start jobs with `/test NAME` or `/test all`; runs of untrusted code never get secrets.',
    ].join('\n'),
  };
}

const DRAFT_REPLY = 'Skipping CI for a draft pull request. Mark it ready for review for CI, or start jobs by hand with `/test all`.';

function decideRunnable(event: PullRequestEventFacts, author: TrustDecision, grants: readonly OkToTestGrant[], policy: PrPolicy, cancel: PullRequestDecision['cancel']): PullRequestDecision {
  if (event.draft && policy.drafts === 'skip') {
    const reply = event.action === 'opened' && author.trusted ? { reply: { marker: 'draft', body: DRAFT_REPLY } } : {};
    return { run: false, bindSecrets: false, cancel, reason: 'draft pull request', ...reply };
  }
  const code = decideCodeTrust(author, event.headSha, grants, policy);
  if (code.runnable) {
    const reason = author.trusted ? `author trusted (${author.via})` : `/ok-to-test by @${code.grantedBy}`;
    return { run: true, bindSecrets: code.bindSecrets, cancel, reason };
  }
  const reason = code.reason ?? 'untrusted';
  // The welcome is posted once, when the pull request is opened (Prow), not on every push.
  return { run: false, bindSecrets: false, cancel, reason, ...(event.action === 'opened' ? { reply: welcome(event, policy, author.reason ?? 'untrusted') } : {}) };
}

/** Prow's handlePR over gathered facts: the author's trust and the pull request's /ok-to-test grants. */
export function decidePullRequest(event: PullRequestEventFacts, author: TrustDecision, grants: readonly OkToTestGrant[], policy: PrPolicy): PullRequestDecision {
  switch (event.action) {
    case 'opened':
    case 'reopened':
    case 'ready_for_review':
      return decideRunnable(event, author, grants, policy, 'none');
    case 'synchronize':
      return decideRunnable(event, author, grants, policy, 'superseded');
    case 'edited':
      if (event.baseChanged) return decideRunnable(event, author, grants, policy, 'superseded');
      return { run: false, bindSecrets: false, cancel: 'none', reason: 'edited without a base change' };
    case 'closed':
      return { run: false, bindSecrets: false, cancel: 'all', reason: 'pull request closed' };
    case 'converted_to_draft':
      return { run: false, bindSecrets: false, cancel: policy.drafts === 'skip' ? 'all' : 'none', reason: 'converted to draft' };
    default:
      return { run: false, bindSecrets: false, cancel: 'none', reason: `action ${event.action} starts nothing` };
  }
}
