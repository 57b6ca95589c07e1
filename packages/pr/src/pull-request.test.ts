import { describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../test/payloads.js';
import { defaultPolicy, type PrPolicy } from './policy.js';
import { decidePullRequest, pullRequestEventFacts } from './pull-request.js';
import type { OkToTestGrant, TrustDecision } from './trust.js';

const policy: PrPolicy = defaultPolicy('Codertocat');
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const OLD = 'b'.repeat(40);
const trusted: TrustDecision = { trusted: true, via: 'org-member' };
const untrusted: TrustDecision = { trusted: false, reason: '@mallory is not a member of the Codertocat organisation' };

describe('pullRequestEventFacts', () => {
  it('reads GitHub\'s own pull_request payload', () => {
    expect(pullRequestEventFacts(pullRequestEvent('opened'))).toEqual({
      action: 'opened',
      repo: { owner: 'Codertocat', name: 'Hello-World' },
      number: 2,
      author: 'Codertocat',
      headSha: HEAD,
      baseRef: 'master',
      draft: false,
      baseChanged: false,
    });
  });
});

describe('decidePullRequest (Prow handlePR)', () => {
  type Case = [string, Record<string, unknown>, TrustDecision, OkToTestGrant[], Partial<PrPolicy>, { run: boolean; bindSecrets: boolean; cancel: string; reply?: string }];
  const cases: Case[] = [
    ['opened by a trusted author: runs with secrets', pullRequestEvent('opened'), trusted, [], {}, { run: true, bindSecrets: true, cancel: 'none' }],
    ['opened by an untrusted author: no run, the welcome asks for /ok-to-test', pullRequestEvent('opened', { author: 'mallory' }), untrusted, [], {}, { run: false, bindSecrets: false, cancel: 'none', reply: 'ok-to-test' }],
    ['push by an untrusted author after /ok-to-test for the old commit (per-push): no run', pullRequestEvent('synchronize', { author: 'mallory' }), untrusted, [{ by: 'alice', sha: OLD }], {}, { run: false, bindSecrets: false, cancel: 'superseded' }],
    ['push by an untrusted author, once: runs without secrets', pullRequestEvent('synchronize', { author: 'mallory' }), untrusted, [{ by: 'alice', sha: OLD }], { okToTest: 'once' }, { run: true, bindSecrets: false, cancel: 'superseded' }],
    ['push by a trusted author: runs, cancels superseded runs', pullRequestEvent('synchronize'), trusted, [], {}, { run: true, bindSecrets: true, cancel: 'superseded' }],
    ['draft opened by a trusted author: skipped with a note (Prow)', pullRequestEvent('opened', { draft: true }), trusted, [], {}, { run: false, bindSecrets: false, cancel: 'none', reply: 'draft' }],
    ['draft when drafts run', pullRequestEvent('opened', { draft: true }), trusted, [], { drafts: 'run' }, { run: true, bindSecrets: true, cancel: 'none' }],
    ['ready for review: runs', pullRequestEvent('ready_for_review'), trusted, [], {}, { run: true, bindSecrets: true, cancel: 'none' }],
    ['converted to draft: cancels everything', pullRequestEvent('converted_to_draft'), trusted, [], {}, { run: false, bindSecrets: false, cancel: 'all' }],
    ['closed: cancels everything', pullRequestEvent('closed'), trusted, [], {}, { run: false, bindSecrets: false, cancel: 'all' }],
    ['labeled: nothing', pullRequestEvent('labeled'), trusted, [], {}, { run: false, bindSecrets: false, cancel: 'none' }],
    ['edited without a base change: nothing', pullRequestEvent('edited'), trusted, [], {}, { run: false, bindSecrets: false, cancel: 'none' }],
  ];
  it.each(cases)('%s', (_name, payload, author, grants, override, want) => {
    const d = decidePullRequest(pullRequestEventFacts(payload), author, grants, { ...policy, ...override });
    expect({ run: d.run, bindSecrets: d.bindSecrets, cancel: d.cancel, ...(d.reply ? { reply: d.reply.marker } : {}) }).toEqual(want);
  });

  it('reruns when the base branch of an edited pull request changed', () => {
    const payload = pullRequestEvent('edited');
    payload['changes'] = { base: { ref: { from: 'main' } } };
    expect(decidePullRequest(pullRequestEventFacts(payload), trusted, [], policy)).toMatchObject({ run: true, cancel: 'superseded' });
  });

  it('welcomes an untrusted author by name and says why', () => {
    const d = decidePullRequest(pullRequestEventFacts(pullRequestEvent('opened', { author: 'mallory' })), untrusted, [], policy);
    expect(d.reply?.body).toContain('Hi @mallory');
    expect(d.reply?.body).toContain('@mallory is not a member of the Codertocat organisation');
  });
});
