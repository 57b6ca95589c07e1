import type { ReleaseProjectConfig } from './config.js';
import { DEFAULT_NOTES_TEMPLATE, groupPulls, pullsInRange, renderChanges, renderTemplate, sectionsFromCommits } from './notes.js';
import type { ReleaseContext } from './types.js';

/**
 * The release notes: the merged pull requests between the previous release and the commit (all
 * pages, matched on their merge commits), grouped by kind/* label, in the repository's template
 * as of the commit. Without a token, the commit subjects stand in (said in the notes).
 */
export async function renderNotes(
  ctx: ReleaseContext,
  config: ReleaseProjectConfig,
  at: { version: string; previousVersion: string | null; commit: string },
): Promise<{ notes: string; source: 'pull-requests' | 'git-log'; pullRequests: number }> {
  const commits = await ctx.git.revList(at.commit, at.previousVersion ?? undefined);
  let changes: string;
  let source: 'pull-requests' | 'git-log';
  let pullRequests = 0;
  if (ctx.github) {
    const pulls = pullsInRange(await ctx.github.closedPulls(), new Set(commits));
    pullRequests = pulls.length;
    changes = renderChanges(groupPulls(pulls));
    source = 'pull-requests';
  } else {
    changes = renderChanges(sectionsFromCommits(await ctx.git.subjects(at.commit, at.previousVersion ?? undefined)));
    source = 'git-log';
  }
  const template = config.notes ? String((await ctx.git.show(at.commit, config.notes)) ?? DEFAULT_NOTES_TEMPLATE) : DEFAULT_NOTES_TEMPLATE;
  const notes = renderTemplate(template, {
    project: config.project,
    version: at.version,
    previousVersion: at.previousVersion ?? 'the first commit',
    commit: at.commit,
    shortCommit: at.commit.slice(0, 7),
    repository: `${config.owner}/${config.repo}`,
    imageRegistry: config.imageRegistry,
    changes,
  });
  return { notes, source, pullRequests };
}
