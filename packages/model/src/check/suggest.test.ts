import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './suggest.js';

describe('editDistance', () => {
  it('counts a swap of adjacent letters as one edit', () => {
    expect([editDistance('bulid', 'build'), editDistance('revison', 'revision'), editDistance('abc', 'abc')]).toEqual([1, 1, 0]);
  });
});

describe('closest / didYouMean', () => {
  it('suggests the nearest name within a third of its length', () => {
    expect(closest('revison', ['url', 'revision', 'depth'])).toBe('revision');
    expect(didYouMean('digst', ['digest', 'url'])).toBe('did you mean "digest"?');
  });
  it('suggests nothing when no name is close, and falls back', () => {
    expect(closest('x', ['revision'])).toBeUndefined();
    expect(didYouMean('zzzz', ['revision'], 'declare it')).toBe('declare it');
  });
});
