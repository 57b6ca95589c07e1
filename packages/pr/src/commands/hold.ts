// /hold (and Prow's `/hold cancel`): a pending `hold` commit status that blocks merging where it
// is required. Any case, as Prow's hold plugin.

import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (args.length === 1 && args[0]?.toLowerCase() === 'cancel') return { actions: [{ kind: 'unhold', by: ctx.commenter.login, sha: ctx.headSha }] };
  if (args.length > 0) return { error: '`/hold` takes no arguments (or `cancel`)' };
  return { actions: [{ kind: 'hold', by: ctx.commenter.login, sha: ctx.headSha }] };
}

export const holdCommand: Command = { name: 'hold', usage: '/hold | /hold cancel', caseInsensitive: true, decide };
