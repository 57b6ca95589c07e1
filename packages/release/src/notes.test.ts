import { describe, expect, it } from 'vitest';
import type { PullInfo } from '@plumbing/github';
import { groupPulls, pullsInRange, releaseNoteOf, renderChanges, renderTemplate } from './notes.js';

const pr = (number: number, labels: string[], body: string | null = null, merge = `sha${number}`): PullInfo => ({
  number,
  title: `title ${number}`,
  body,
  author: 'alice',
  labels,
  mergeCommitSha: merge,
  mergedAt: '2024-01-01T00:00:00Z',
  url: `https://github.com/o/r/pull/${number}`,
});

describe('notes', () => {
  it('reads the release-note block, NONE meaning none', () => {
    expect(releaseNoteOf('x\n```release-note\nA thing.\n```\n')).toBe('A thing.');
    expect(releaseNoteOf('```release-note\nNONE\n```')).toBeUndefined();
    expect(releaseNoteOf(null)).toBeUndefined();
  });

  it('groups by kind/* (features before fixes, unlabelled last) with authors', () => {
    const text = renderChanges(groupPulls([pr(3, []), pr(1, ['kind/bug']), pr(2, ['kind/feature', 'kind/bug'], '```release-note\nNew.\n```')]));
    expect(text).toBe('## Features\n\n- New. (#2) by @alice\n\n## Fixes\n\n- title 1 (#1) by @alice\n\n## Other changes\n\n- title 3 (#3) by @alice');
  });

  it('keeps only merged PRs whose merge commit is in the range', () => {
    const unmerged = { ...pr(4, []), mergedAt: null };
    expect(pullsInRange([pr(1, []), pr(2, []), unmerged], new Set(['sha2', 'sha4'])).map((p) => p.number)).toEqual([2]);
  });

  it('fills {{placeholders}} and leaves unknown ones', () => {
    expect(renderTemplate('{{ version }} {{nope}}', { version: 'v1' })).toBe('v1 {{nope}}');
  });
});
