// /test NAME…, /test all, and /test ? (or a bare /test), which lists the jobs (Prow's trigger).

import type { Command, CommandContext, CommandOutcome } from './types.js';

function listing(ctx: CommandContext): string {
  if (ctx.jobs.length === 0) return 'No jobs are configured for this repository.';
  const always = (j: { alwaysRun?: boolean }) => j.alwaysRun !== false;
  const sorted = [...ctx.jobs].sort((a, b) => Number(always(b)) - Number(always(a)) || a.name.localeCompare(b.name));
  return ['The jobs you can run with `/test NAME` (or `/test all`):', ...sorted.map((j) => `- \`${j.name}\`${always(j) ? ' (runs on every push)' : ''}`)].join('\n');
}

const listOnly = (args: readonly string[]) => args.length === 0 || (args.length === 1 && args[0] === '?');

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  if (listOnly(args)) return { actions: [], say: listing(ctx) };
  const known = new Set(ctx.jobs.map((j) => j.name));
  const names = args.includes('all') ? ctx.jobs.map((j) => j.name) : [...new Set(args)];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    return { error: `no job named ${unknown.map((n) => `\`${n}\``).join(', ')}. ${listing(ctx)}` };
  }
  if (names.length === 0) return { error: 'no jobs are configured for this repository' };
  const reason = ctx.code.runnable ? '/test' : '/test by a trusted user on untrusted code (no secrets)';
  return { actions: [{ kind: 'run', jobs: names, sha: ctx.headSha, bindSecrets: ctx.code.bindSecrets, reason }] };
}

export const testCommand: Command = {
  name: 'test',
  usage: '/test NAME… | /test all | /test ?',
  open: listOnly,
  decide,
};
