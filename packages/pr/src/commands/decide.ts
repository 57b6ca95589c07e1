// What a comment decides: each command in it is looked up in the registry, authorized by the
// policy's roles, and decided; refusals and answers go into ONE reply (marker `commands`), so that
// a second bad command edits the same comment instead of adding another.

import { type PrPolicy, type Role, rolesFor } from '../policy.js';
import type { RepoRef } from '../pull-request.js';
import type { Reply } from '../reply.js';
import { canWrite } from '../trust.js';
import { type ParsedCommand, parseCommands } from './parse.js';
import { COMMANDS } from './registry.js';
import type { Action, Command, CommandContext } from './types.js';

export const COMMANDS_MARKER = 'commands';

/** The fields of an issue_comment webhook this package uses. */
export interface IssueCommentEventFacts {
  action: string;
  repo: RepoRef;
  number: number;
  isPullRequest: boolean;
  /** The issue or pull request is open (Prow ignores commands on closed ones). */
  open: boolean;
  commentId: number;
  commenter: string;
  body: string;
  /** The repository's clone URL (what a build clones). */
  cloneUrl: string;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function issueCommentEventFacts(payload: unknown): IssueCommentEventFacts {
  const b = obj(payload);
  const issue = obj(b['issue']);
  const comment = obj(b['comment']);
  const repo = obj(b['repository']);
  return {
    action: text(b['action']),
    repo: { owner: text(obj(repo['owner'])['login']), name: text(repo['name']) },
    number: typeof issue['number'] === 'number' ? issue['number'] : 0,
    isPullRequest: issue['pull_request'] !== undefined && issue['pull_request'] !== null,
    open: issue['state'] === 'open',
    commentId: typeof comment['id'] === 'number' ? comment['id'] : 0,
    commenter: text(obj(comment['user'])['login']),
    body: text(comment['body']),
    cloneUrl: text(repo['clone_url']),
  };
}

const isBot = (login: string, policy: PrPolicy) => [policy.bot, `${policy.bot}[bot]`].some((b) => b.toLowerCase() === login.toLowerCase());

/**
 * The commands of a comment this service should act on or answer: none for an edit or deletion,
 * a comment on an issue or a closed pull request (Prow), or the bot's own comment; other bots'
 * commands left out. Gather only when this is not empty.
 */
export function commandsToHandle(event: IssueCommentEventFacts, policy: PrPolicy): ParsedCommand[] {
  if (event.action !== 'created' || !event.isPullRequest || !event.open || isBot(event.commenter, policy)) return [];
  return parseCommands(event.body).filter((c) => !policy.ignoredCommands.includes(c.name.toLowerCase()));
}

function hasRole(role: Role, ctx: CommandContext): boolean {
  const c = ctx.commenter;
  switch (role) {
    case 'anyone':
      return true;
    case 'write':
      return canWrite(c.permission);
    case 'member':
      return c.orgMember;
    case 'approver':
      return c.ownersApprover;
    case 'trusted':
      return ctx.commenterTrust.trusted;
    case 'author':
      return c.login.toLowerCase() === ctx.author.toLowerCase() && ctx.code.runnable;
  }
}

const ROLE_WORDS: Record<Role, string> = {
  anyone: 'anyone',
  write: 'a collaborator with write access',
  member: `an org member`,
  approver: 'an approver in OWNERS',
  trusted: 'a trusted user',
  author: "the pull request's author (once the code is trusted)",
};

function authorize(command: Command, args: readonly string[], ctx: CommandContext): string | undefined {
  if (command.open?.(args)) return undefined;
  const roles = rolesFor(ctx.policy, command.name);
  if (roles.some((r) => hasRole(r, ctx))) return undefined;
  return `@${ctx.commenter.login} may not use \`/${command.name}\` here: it needs ${roles.map((r) => ROLE_WORDS[r]).join(' or ')}`;
}

export interface CommentPlan {
  actions: Action[];
  /** The one reply (answers and refusals), if there is anything to say. */
  reply?: Reply;
}

const names = (c: Command) => [c.name, ...(c.aliases ?? [])];

/** The command a name means: exactly, or in any case for a command that allows it. */
function lookup(name: string, commands: readonly Command[]): Command | undefined {
  return commands.find((c) => names(c).includes(name) || (c.caseInsensitive && names(c).includes(name.toLowerCase())));
}

function unknownCommand(c: ParsedCommand, commands: readonly Command[]): string {
  const near = commands.find((k) => names(k).includes(c.name.toLowerCase()));
  if (near) return `\`/${c.name}\` is not a command: commands are case-sensitive, did you mean \`/${near.name}\`?`;
  return `\`/${c.name}\` is not a command I know; I understand ${commands.map((k) => `\`${k.usage}\``).join(', ')}`;
}

/** Decides every command of the comment (commandsToHandle) against gathered facts. */
export function decideComment(event: IssueCommentEventFacts, ctx: CommandContext, commands: readonly Command[] = COMMANDS): CommentPlan {
  const actions: Action[] = [];
  const lines: string[] = [];
  for (const parsed of commandsToHandle(event, ctx.policy)) {
    const command = lookup(parsed.name, commands);
    if (!command) {
      lines.push(`- ${unknownCommand(parsed, commands)}`);
      continue;
    }
    const denied = authorize(command, parsed.args, ctx);
    if (denied) {
      lines.push(`- \`${parsed.line}\`: ${denied}`);
      continue;
    }
    const outcome = command.decide(parsed.args, ctx);
    if ('error' in outcome) lines.push(`- \`${parsed.line}\`: ${outcome.error.replace(/\n/g, '\n  ')}`);
    else {
      actions.push(...outcome.actions);
      if (outcome.say) lines.push(`- \`${parsed.line}\`: ${outcome.say.replace(/\n/g, '\n  ')}`);
    }
  }
  if (lines.length === 0) return { actions };
  return { actions, reply: { marker: COMMANDS_MARKER, body: [`@${event.commenter}:`, '', ...lines].join('\n') } };
}
