import { describe, expect, it } from 'vitest';
import { grantsFrom, grantsReply, parseGrants } from './grants.js';
import { planReply, renderReply } from './reply.js';

const BOT = 'plumbing-bot';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('planReply (one comment per marker)', () => {
  const reply = { marker: 'commands', body: '@alice: no job named `x`' };
  const mine = { id: 7, user: BOT, body: renderReply({ marker: 'commands', body: 'older text' }) };
  const cases: [string, { id: number; user: string; body: string }[], unknown][] = [
    ['creates when there is none', [], { action: 'create', body: renderReply(reply) }],
    ['updates the bot\'s earlier comment', [mine], { action: 'update', commentId: 7, body: renderReply(reply) }],
    ['leaves an identical comment alone', [{ ...mine, body: renderReply(reply) }], { action: 'none', commentId: 7 }],
    ['ignores someone else\'s comment with the same marker', [{ ...mine, user: 'mallory' }], { action: 'create', body: renderReply(reply) }],
    ['finds the bot\'s comment as a GitHub App ([bot] login)', [{ ...mine, user: `${BOT}[bot]` }], { action: 'update', commentId: 7, body: renderReply(reply) }],
    ['ignores another marker', [{ ...mine, body: renderReply({ marker: 'test-report', body: 'x' }) }], { action: 'create', body: renderReply(reply) }],
  ];
  it.each(cases)('%s', (_name, comments, want) => {
    expect(planReply(reply, comments, BOT)).toEqual(want);
  });

  it('renders the marker the github-comment task uses', () => {
    expect(renderReply({ marker: 'image-build', body: 'hi\n\n' })).toBe('hi\n\n<!-- plumbing-comment: image-build -->');
  });
});

describe('/ok-to-test grants kept in the bot\'s comment', () => {
  it('round-trips, one grant per commit', () => {
    const one = grantsReply([], { by: 'alice', sha: A });
    const two = grantsReply(parseGrants(one.body), { by: 'bob', sha: B });
    const again = grantsReply(parseGrants(two.body), { by: 'carol', sha: A });
    expect(parseGrants(again.body)).toEqual([{ by: 'bob', sha: B }, { by: 'carol', sha: A }]);
    expect(again.marker).toBe('ok-to-test');
  });

  it('counts only the bot\'s comment: a pasted grant line grants nothing', () => {
    const body = renderReply(grantsReply([], { by: 'alice', sha: A }));
    expect(grantsFrom([{ id: 1, user: 'mallory', body }], BOT)).toEqual([]);
    expect(grantsFrom([{ id: 1, user: BOT, body }], BOT)).toEqual([{ by: 'alice', sha: A }]);
  });

  it('reads a damaged line as no grants', () => {
    expect(parseGrants('<!-- plumbing-ok-to-test-grants: [{"by": -->')).toEqual([]);
    expect(parseGrants('<!-- plumbing-ok-to-test-grants: [{"by":"x","sha":"short"}] -->')).toEqual([]);
  });
});
