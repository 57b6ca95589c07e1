// /unhold: releases a /hold.

import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (args.length > 0) return { error: '`/unhold` takes no arguments' };
  return { actions: [{ kind: 'unhold', by: ctx.commenter.login, sha: ctx.headSha }] };
}

export const unholdCommand: Command = { name: 'unhold', usage: '/unhold', decide };
