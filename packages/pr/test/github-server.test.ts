// Gatherers and appliers through the real GitHub port (@plumbing/github) against the local
// GitHub protocol server of @plumbing/test-utils (real HTTP; no real GitHub can run here).

import { createGitHub, type GitHub } from '@plumbing/github';
import { type GitHubServer, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyGitHubActions, applyReply } from '../src/apply.js';
import { commandsToHandle, decideComment, issueCommentEventFacts } from '../src/commands/decide.js';
import { gatherPullRequestTrust } from '../src/gather.js';
import { gatherCommandContext } from '../src/gather-command.js';
import { defaultPolicy, type PrPolicy } from '../src/policy.js';
import { decidePullRequest, pullRequestEventFacts } from '../src/pull-request.js';
import { prCommentEvent, pullRequestEvent } from './payloads.js';

const REPO = 'Codertocat/Hello-World';
const HEAD = 'a'.repeat(40);
const NEXT = 'b'.repeat(40);
const policy: PrPolicy = { ...defaultPolicy('Codertocat'), trustedTeams: ['maintainers', 'partners/reviewers'] };

let server: GitHubServer;
let gh: GitHub;
let pr: number;

beforeEach(async () => {
  server ??= await startGitHubServer({
    repos: [REPO],
    seed(s) {
      s.access.addOrgMember('Codertocat', 'alice');
      s.access.addTeamMember('partners', 'reviewers', 'tina');
      s.access.addTeamMember('partners', 'reviewers', 'pending-pat', 'member', 'pending');
      s.setCollaborator(REPO, 'walt', 'write');
      s.setCollaborator(REPO, 'reed', 'read');
      s.setFile(REPO, 'OWNERS', 'approvers: [olga]\nreviewers: [maintainers-alias]\n');
      s.setFile(REPO, 'OWNERS_ALIASES', 'aliases:\n  maintainers-alias: [rita]\n');
      // The pull request's own OWNERS adds its author: it must not count.
      s.setFile(REPO, 'OWNERS', 'approvers: [olga, mallory]\n', HEAD);
      s.setFile(REPO, 'images/plumbing/Dockerfile', 'FROM scratch\n', HEAD);
      s.addPull(REPO, { title: 'Fix', user: 'mallory', headSha: HEAD });
    },
  });
  server.reset();
  pr = server.state.repo(REPO).issues[0]?.number ?? 0;
  gh = createGitHub({ auth: { token: server.token }, baseUrl: server.url });
});
afterAll(() => server?.close());

const ports = () => ({ org: gh, repo: gh.repo(REPO) });
const botComments = (marker: string) => server.state.repo(REPO).comments.filter((c) => c.user === 'plumbing-bot' && c.body.includes(`plumbing-comment: ${marker}`));

describe('gatherPullRequestTrust (local GitHub protocol server)', () => {
  const cases: [string, boolean, string | undefined][] = [
    ['alice', true, 'org-member'],
    ['walt', true, 'collaborator'],
    ['reed', false, undefined],
    ['tina', true, 'team'],
    ['pending-pat', false, undefined],
    ['olga', true, 'owners'],
    ['rita', true, 'owners'],
    ['mallory', false, undefined],
  ];
  it.each(cases)('%s: trusted %s', async (login, trusted, via) => {
    const facts = await gatherPullRequestTrust(gh, gh.repo(REPO), policy, pr, login);
    expect({ trusted: facts.author.trusted, via: facts.author.via }).toEqual({ trusted, via });
  });
});

describe('an untrusted pull request through /ok-to-test (local GitHub protocol server)', () => {
  async function onPush(action: string, sha: string) {
    const event = pullRequestEventFacts(pullRequestEvent(action, { author: 'mallory', sha }));
    const trust = await gatherPullRequestTrust(gh, gh.repo(REPO), policy, pr, event.author);
    const decision = decidePullRequest({ ...event, number: pr }, trust.author, trust.grants, policy);
    if (decision.reply) await applyReply(gh.repo(REPO), pr, decision.reply, policy.bot, trust.comments);
    return decision;
  }

  async function onComment(body: string, commenter: string) {
    const event = { ...issueCommentEventFacts(prCommentEvent(body, commenter)), number: pr };
    const commands = commandsToHandle(event, policy);
    const { ctx, comments } = await gatherCommandContext(ports(), event, commands, policy, { jobs: [{ name: 'ci' }], runs: [] });
    const plan = decideComment(event, ctx);
    if (plan.reply) await applyReply(gh.repo(REPO), pr, plan.reply, policy.bot, comments);
    return applyGitHubActions(gh.repo(REPO), pr, plan.actions, policy, `https://github.com/${REPO}/pull/${pr}`);
  }

  it('waits, runs with secrets after a member vouches, and waits again after a new push (per-push)', async () => {
    expect(await onPush('opened', HEAD)).toMatchObject({ run: false, bindSecrets: false });
    expect(botComments('ok-to-test')).toHaveLength(1);

    expect(await onComment('/ok-to-test', 'mallory')).toEqual([]);
    expect(botComments('commands')[0]?.body).toMatch(/@mallory may not use `\/ok-to-test`/);

    expect(await onComment('LGTM, thanks\n/ok-to-test', 'alice')).toEqual([{ kind: 'run', jobs: ['ci'], sha: HEAD, bindSecrets: true, reason: '/ok-to-test by @alice' }]);
    // The grant is recorded in the welcome comment, edited, not a new one.
    expect(botComments('ok-to-test')).toHaveLength(1);
    expect(botComments('ok-to-test')[0]?.body).toContain(`/ok-to-test\` by @alice for ${HEAD.slice(0, 7)}`);

    expect(await onPush('synchronize', HEAD)).toMatchObject({ run: true, bindSecrets: true });
    expect(await onPush('synchronize', NEXT)).toMatchObject({ run: false, bindSecrets: false, cancel: 'superseded' });
  });

  it('answers bad commands in ONE comment, edited on the next bad command', async () => {
    await onComment('/frobnicate', 'alice');
    await onComment('/test nope', 'alice');
    const replies = botComments('commands');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatch(/no job named `nope`/);
    expect(replies[0]?.body).not.toMatch(/frobnicate/);
  });

  it('validates /build-image against the image directories of the head commit, once the code is trusted', async () => {
    expect(await onComment('/build-image images/plumbing v1', 'alice')).toEqual([]);
    expect(botComments('commands')[0]?.body).toMatch(/not trusted.*\/ok-to-test/);
    await onComment('/ok-to-test', 'alice');
    expect(await onComment('/build-image docs', 'alice')).toEqual([]);
    expect(botComments('commands')[0]?.body).toMatch(/`docs` is not an image directory under `images\/` at aaaaaaa: there is no `images\/docs\/Dockerfile`/);
    const built = await onComment('/build-image images/plumbing v1', 'alice');
    expect(built).toMatchObject([
      { kind: 'build-image', image: 'ghcr.io/codertocat/plumbing:v1', context: 'images/plumbing', bindSecrets: true, params: { revision: HEAD, 'repo-url': 'https://github.com/Codertocat/Hello-World.git' } },
    ]);
    const probes = server.requests.filter((r) => decodeURIComponent(r.path).startsWith(`/repos/${REPO}/contents/images/`));
    expect(probes.map((r) => [decodeURIComponent(r.path).split('/contents/')[1], r.query['ref'], r.status])).toEqual([
      ['images/plumbing/Dockerfile', HEAD, 200],
      ['images/docs/Dockerfile', HEAD, 404],
      ['images/plumbing/Dockerfile', HEAD, 200],
    ]);
  });
});
