// /ok-to-test grants live on the pull request itself, in the bot's `ok-to-test` comment (the one
// that welcomed the author): a hidden JSON line lists who vouched for which commit. Only the
// bot's comment counts, so nobody grants by pasting the line.

import { OK_TO_TEST_MARKER } from './pull-request.js';
import { type CommentFacts, findMarked, type Reply } from './reply.js';
import type { OkToTestGrant } from './trust.js';

const DATA = /<!-- plumbing-ok-to-test-grants: (\[.*?\]) -->/;

/** The grants recorded in a comment body ([] when there are none or the line is damaged). */
export function parseGrants(body: string): OkToTestGrant[] {
  const m = DATA.exec(body);
  if (!m) return [];
  try {
    const list: unknown = JSON.parse(m[1] ?? '[]');
    if (!Array.isArray(list)) return [];
    return list.filter((g): g is OkToTestGrant => typeof g?.by === 'string' && typeof g?.sha === 'string' && /^[0-9a-f]{40}$/.test(g.sha));
  } catch {
    return [];
  }
}

/** The grants of a pull request, from its comments. */
export function grantsFrom(comments: readonly CommentFacts[], bot: string): OkToTestGrant[] {
  const c = findMarked(comments, OK_TO_TEST_MARKER, bot);
  return c ? parseGrants(c.body) : [];
}

/** The `ok-to-test` comment after adding a grant (a grant for the same commit is kept once). */
export function grantsReply(previous: readonly OkToTestGrant[], grant: OkToTestGrant): Reply {
  const grants = [...previous.filter((g) => g.sha !== grant.sha), grant];
  const lines = grants.map((g) => `- \`/ok-to-test\` by @${g.by} for ${g.sha.slice(0, 7)}`);
  return {
    marker: OK_TO_TEST_MARKER,
    body: ['This pull request was approved for testing:', ...lines, '', `<!-- plumbing-ok-to-test-grants: ${JSON.stringify(grants)} -->`].join('\n'),
  };
}
