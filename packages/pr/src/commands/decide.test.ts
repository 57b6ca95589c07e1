import { describe, expect, it } from 'vitest';
import { prCommentEvent } from '../../test/payloads.js';
import { defaultPolicy } from '../policy.js';
import type { RunFacts } from '../runs.js';
import { strangerFacts, type UserFacts } from '../trust.js';
import { commandsToHandle, decideComment, issueCommentEventFacts } from './decide.js';
import type { CommandContext } from './types.js';

const HEAD = 'c'.repeat(40);
const policy = defaultPolicy('Codertocat');
const member: UserFacts = { ...strangerFacts('alice'), orgMember: true };
const writer: UserFacts = { ...strangerFacts('walt'), permission: 'write' };
const approver: UserFacts = { ...strangerFacts('olga'), ownersApprover: true };
const stranger: UserFacts = strangerFacts('mallory');

const run = (job: string, state: RunFacts['state'], o: Partial<RunFacts> = {}): RunFacts => ({ name: `${job}-${state}`, job, sha: HEAD, state, url: `https://ci/runs/${job}`, tasks: [], ...o });

function context(commenter: UserFacts, o: Partial<CommandContext> = {}): CommandContext {
  const trusted = commenter.orgMember || commenter.permission === 'write' || commenter.ownersApprover;
  return {
    policy,
    repo: { owner: 'Codertocat', name: 'Hello-World' },
    number: 2,
    headSha: HEAD,
    author: 'paula',
    cloneUrl: 'https://github.com/Codertocat/Hello-World.git',
    commenter,
    commenterTrust: trusted ? { trusted: true, via: 'org-member' } : { trusted: false, reason: 'no' },
    code: { runnable: true, bindSecrets: true },
    jobs: [{ name: 'unit' }, { name: 'e2e' }, { name: 'lint', alwaysRun: false }],
    runs: [],
    imageDirs: ['plumbing'],
    imageDirsListed: true,
    ...o,
  };
}

function decide(body: string, commenter: UserFacts, o: Partial<CommandContext> = {}) {
  return decideComment(issueCommentEventFacts(prCommentEvent(body, commenter.login)), context(commenter, o));
}

describe('commandsToHandle', () => {
  it('acts on created comments of pull requests only, never on the bot\'s own, never on other bots\' commands', () => {
    const facts = (body: string, who: string, o = {}) => issueCommentEventFacts(prCommentEvent(body, who, o));
    expect(commandsToHandle(facts('/retest\n/lgtm', 'alice'), policy).map((c) => c.name)).toEqual(['retest']);
    expect(commandsToHandle(facts('/retest', 'alice', { action: 'edited' }), policy)).toEqual([]);
    expect(commandsToHandle(facts('/retest', 'alice', { onIssue: true }), policy)).toEqual([]);
    expect(commandsToHandle(facts('/retest', 'plumbing-bot'), policy)).toEqual([]);
    const closed = facts('/retest', 'alice');
    expect(commandsToHandle({ ...closed, open: false }, policy)).toEqual([]);
  });
});

describe('decideComment', () => {
  type Want = { actions: string[]; reply?: RegExp };
  const cases: [string, string, UserFacts, Partial<CommandContext>, Want][] = [
    ['/test NAME by a member runs it', '/test unit', member, {}, { actions: ['run:unit'] }],
    ['/test all runs every job', '/test all', member, {}, { actions: ['run:unit,e2e,lint'] }],
    ['/test with an unknown job says which and lists the jobs', '/test nope', member, {}, { actions: [], reply: /no job named `nope`.*\n {2}- `e2e` \(runs on every push\)/s }],
    ['/test ? lists the jobs, for anyone', '/test ?', stranger, {}, { actions: [], reply: /The jobs you can run/ }],
    ['/test by a stranger is refused with the roles', '/test unit', stranger, {}, { actions: [], reply: /@mallory may not use `\/test` here: it needs a trusted user or the pull request's author/ }],
    ['/test by the author of trusted code', '/test unit', strangerFacts('paula'), {}, { actions: ['run:unit'] }],
    ['/test by the author of untrusted code is refused', '/test unit', strangerFacts('paula'), { code: { runnable: false, bindSecrets: false } }, { actions: [], reply: /may not use/ }],
    ['/ok-to-test by a member grants the head and runs the always-run jobs with secrets', '/ok-to-test', member, { code: { runnable: false, bindSecrets: false } }, { actions: ['ok-to-test:alice', 'run:unit,e2e'] }],
    ['/ok-to-test by a collaborator with write', '/ok-to-test', writer, {}, { actions: ['ok-to-test:walt', 'run:unit,e2e'] }],
    ['/ok-to-test by an OWNERS approver', '/ok-to-test', approver, {}, { actions: ['ok-to-test:olga', 'run:unit,e2e'] }],
    ['/ok-to-test by a stranger is refused', '/ok-to-test', stranger, {}, { actions: [], reply: /needs an org member or a collaborator with write access or an approver in OWNERS/ }],
    ['/hold and /unhold', '/hold\n/unhold', member, {}, { actions: ['hold', 'unhold'] }],
    ['/hold cancel is /unhold (Prow)', '/hold cancel', member, {}, { actions: ['unhold'] }],
    ['/HOLD and /Remove-Hold in any case (Prow\'s hold plugin)', '/HOLD\n/Remove-Hold', member, {}, { actions: ['hold', 'unhold'] }],
    ['/Retest is not /retest (Prow\'s trigger is case-sensitive): the reply says so', '/Retest', member, {}, { actions: [], reply: /`\/Retest` is not a command: commands are case-sensitive, did you mean `\/retest`\?/ }],
    ['/LGTM is another bot\'s, in any case', '/LGTM', member, {}, { actions: [] }],
    ['/cancel stops the active runs', '/cancel', member, { runs: [run('unit', 'running'), run('e2e', 'succeeded'), run('lint', 'queued')] }, { actions: ['cancel:unit-running,lint-queued'] }],
    ['/cancel with nothing active says so', '/cancel', member, {}, { actions: [], reply: /Nothing to cancel/ }],
    ['an unknown command gets a reply that lists the commands', '/frobnicate', member, {}, { actions: [], reply: /`\/frobnicate` is not a command I know; I understand `\/test NAME… \| \/test all \| \/test \?`/ }],
    ['another bot\'s command is ignored silently', '/lgtm', member, {}, { actions: [] }],
    ['several problems make ONE reply', '/frobnicate\n/test nope\n/retest please', member, {}, { actions: [], reply: /frobnicate.*\n.*nope.*\n.*takes no arguments/s }],
    ['good and bad commands: the good run, the bad are answered', '/test unit\n/test nope', member, {}, { actions: ['run:unit'], reply: /nope/ }],
  ];
  it.each(cases)('%s', (_name, body, commenter, o, want) => {
    const plan = decide(body, commenter, o);
    const summary = plan.actions.map((a) => {
      if (a.kind === 'run') return `run:${a.jobs.join(',')}`;
      if (a.kind === 'cancel') return `cancel:${a.runs.join(',')}`;
      if (a.kind === 'ok-to-test') return `ok-to-test:${a.grant.by}`;
      return a.kind;
    });
    expect(summary).toEqual(want.actions);
    if (want.reply) {
      expect(plan.reply?.marker).toBe('commands');
      expect(plan.reply?.body).toMatch(want.reply);
    } else expect(plan.reply).toBeUndefined();
  });

  it('runs untrusted code for a trusted commenter without secrets', () => {
    const plan = decide('/test unit', member, { code: { runnable: false, bindSecrets: false } });
    expect(plan.actions).toEqual([{ kind: 'run', jobs: ['unit'], sha: HEAD, bindSecrets: false, reason: '/test by a trusted user on untrusted code (no secrets)' }]);
  });

  it('obeys a policy that narrows a command to org members', () => {
    const plan = decideComment(issueCommentEventFacts(prCommentEvent('/retest', 'walt')), context(writer, { policy: { ...policy, commands: { ...policy.commands, retest: ['member'] } } }));
    expect(plan.reply?.body).toMatch(/`\/retest` here: it needs an org member/);
  });
});
