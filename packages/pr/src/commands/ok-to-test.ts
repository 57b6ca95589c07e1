// /ok-to-test: a trusted user vouches for the head commit; it is recorded as a grant and the jobs
// run with secrets (a grant for exactly this commit makes its code trusted).

import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (args.length > 0) return { error: '`/ok-to-test` takes no arguments' };
  const jobs = ctx.jobs.filter((j) => j.alwaysRun ?? true).map((j) => j.name);
  return {
    actions: [
      { kind: 'ok-to-test', grant: { by: ctx.commenter.login, sha: ctx.headSha } },
      ...(jobs.length ? [{ kind: 'run' as const, jobs, sha: ctx.headSha, bindSecrets: true, reason: `/ok-to-test by @${ctx.commenter.login}` }] : []),
    ],
  };
}

export const okToTestCommand: Command = { name: 'ok-to-test', usage: '/ok-to-test', decide };
