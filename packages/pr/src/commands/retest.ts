// /retest: the failed runs of the head commit again, and inside each only the tasks that failed
// or did not run because of a failure (planRetry); the executor reuses the rest.

import { latestPerJob, planRetry } from '../runs.js';
import type { Command, CommandContext, CommandOutcome } from './types.js';

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (args.length > 0) return { error: '`/retest` takes no arguments (use `/test NAME` to run one job)' };
  const failed = latestPerJob(ctx.runs, ctx.headSha).filter((r) => r.state === 'failed');
  if (failed.length === 0) return { actions: [], say: `Nothing to retest: no job failed on ${ctx.headSha.slice(0, 7)}.` };
  return {
    actions: failed.map((r) => ({ kind: 'rerun' as const, ...planRetry(r), bindSecrets: ctx.code.bindSecrets })),
  };
}

export const retestCommand: Command = { name: 'retest', usage: '/retest', decide };
