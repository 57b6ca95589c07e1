// /unhold (Prow's `/remove-hold` too): releases a /hold. Any case, as Prow's hold plugin.

import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (args.length > 0) return { error: '`/unhold` takes no arguments' };
  return { actions: [{ kind: 'unhold', by: ctx.commenter.login, sha: ctx.headSha }] };
}

export const unholdCommand: Command = { name: 'unhold', aliases: ['remove-hold'], usage: '/unhold', caseInsensitive: true, decide };
