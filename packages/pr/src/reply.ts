// The bot's comments carry a hidden marker (the same one the github-comment task writes), so that
// a later comment with the same marker edits the earlier one instead of adding another.

/** A comment the service wants on an issue or pull request, one per marker. */
export interface Reply {
  marker: string;
  body: string;
}

export interface CommentFacts {
  id: number;
  user: string;
  body: string;
}

export const markerTag = (marker: string) => `<!-- plumbing-comment: ${marker} -->`;

/** The body as posted: the text, a blank line, the marker. */
export function renderReply(reply: Reply): string {
  return `${reply.body.replace(/\s+$/, '')}\n\n${markerTag(reply.marker)}`;
}

/** The bot's newest comment with this marker (others' comments never count, even if they copy the marker). */
export function findMarked(comments: readonly CommentFacts[], marker: string, bot: string): CommentFacts | undefined {
  const tag = markerTag(marker);
  const mine = (login: string) => login.toLowerCase() === bot.toLowerCase() || login.toLowerCase() === `${bot.toLowerCase()}[bot]`;
  return [...comments].reverse().find((c) => mine(c.user) && c.body.includes(tag));
}

export type CommentWrite =
  | { action: 'create'; body: string }
  | { action: 'update'; commentId: number; body: string }
  | { action: 'none'; commentId: number };

/** Create, update, or leave alone (same text) the bot's comment for this reply. */
export function planReply(reply: Reply, comments: readonly CommentFacts[], bot: string): CommentWrite {
  const body = renderReply(reply);
  const existing = findMarked(comments, reply.marker, bot);
  if (!existing) return { action: 'create', body };
  if (existing.body === body) return { action: 'none', commentId: existing.id };
  return { action: 'update', commentId: existing.id, body };
}
