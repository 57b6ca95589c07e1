// The facts a comment's commands are decided from: the pull request, the commenter, the author's
// trust and grants, and the image directories a /build-image names. Jobs and runs come from the
// service's config and store.

import type { CommandContext, JobFacts } from './commands/types.js';
import type { IssueCommentEventFacts } from './commands/decide.js';
import type { ParsedCommand } from './commands/parse.js';
import { gatherOwners, gatherPullRequestTrust, gatherUserFacts } from './gather.js';
import type { PrPolicy } from './policy.js';
import type { PrOrgPort, PrRepoPort } from './port.js';
import type { CommentFacts } from './reply.js';
import type { RunFacts } from './runs.js';
import { decideCodeTrust, decideTrust } from './trust.js';
import { PlumbingError } from '@plumbing/model';

/** Image directories at the head: listed when the port can list, else the requested ones probed for a Dockerfile. */
export async function gatherImageDirs(repo: PrRepoPort, policy: PrPolicy, ref: string, requested: readonly string[]): Promise<{ dirs: string[]; listed: boolean }> {
  const dir = policy.images.dir;
  if (repo.listDirectory) {
    const entries = (await repo.listDirectory(dir, ref)) ?? [];
    return { dirs: entries.filter((e) => e.type === 'dir').map((e) => e.name).sort(), listed: true };
  }
  const names = [...new Set(requested.map((r) => r.replace(/\/+$/, '').replace(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`), '')))];
  const safe = names.filter((n) => /^[\w.-]+$/.test(n) && n !== '.' && n !== '..');
  const found = await Promise.all(safe.map(async (n) => ((await repo.fileContents(`${dir}/${n}/Dockerfile`, ref)) === undefined ? undefined : n)));
  return { dirs: found.filter((n): n is string => n !== undefined).sort(), listed: false };
}

export interface CommandFacts {
  ctx: CommandContext;
  comments: CommentFacts[];
}

/** Gathers everything `decideComment` needs for these commands. */
export async function gatherCommandContext(
  ports: { org: PrOrgPort; repo: PrRepoPort },
  event: IssueCommentEventFacts,
  commands: readonly ParsedCommand[],
  policy: PrPolicy,
  service: { jobs: JobFacts[]; runs: RunFacts[] },
): Promise<CommandFacts> {
  const pull = await ports.repo.getPull(event.number);
  if (!pull) throw new PlumbingError('PR_NOT_FOUND', `pull request ${event.repo.owner}/${event.repo.name}#${event.number} was not found`);
  const owners = await gatherOwners(ports.repo, policy);
  const [trust, commenter] = await Promise.all([
    gatherPullRequestTrust(ports.org, ports.repo, policy, event.number, pull.author, owners),
    gatherUserFacts(ports.org, ports.repo, policy, owners, event.commenter),
  ]);
  const requested = commands.filter((c) => c.name === 'build-image' && c.args[0] !== undefined).map((c) => c.args[0] as string);
  const images = requested.length ? await gatherImageDirs(ports.repo, policy, pull.headSha, requested) : { dirs: [], listed: false };
  const ctx: CommandContext = {
    policy,
    repo: event.repo,
    number: event.number,
    headSha: pull.headSha,
    author: pull.author,
    cloneUrl: event.cloneUrl,
    commenter,
    commenterTrust: decideTrust(commenter, policy),
    code: decideCodeTrust(trust.author, pull.headSha, trust.grants, policy),
    jobs: service.jobs,
    runs: service.runs,
    imageDirs: images.dirs,
    imageDirsListed: images.listed,
  };
  return { ctx, comments: trust.comments };
}
