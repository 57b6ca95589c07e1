// /cancel [NAME…]: stop the queued and running runs of the pull request (of those jobs only).

import { isActive } from '../runs.js';
import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  const unknown = args.filter((a) => !ctx.jobs.some((j) => j.name === a));
  if (unknown.length) return { error: `no job named ${unknown.map((n) => `\`${n}\``).join(', ')}` };
  const runs = ctx.runs.filter((r) => isActive(r) && (args.length === 0 || args.includes(r.job))).map((r) => r.name);
  if (runs.length === 0) return { actions: [], say: 'Nothing to cancel: no run of this pull request is queued or running.' };
  return { actions: [{ kind: 'cancel', runs, reason: `/cancel by @${ctx.commenter.login}` }] };
}

export const cancelCommand: Command = { name: 'cancel', usage: '/cancel [NAME…]', decide };
