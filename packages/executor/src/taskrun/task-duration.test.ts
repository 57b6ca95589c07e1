import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './task-duration.js';

describe('Go durations', () => {
  it('formats like time.Duration.String()', () => {
    expect([0, 500, 1000, 1500, 90_000, 3_600_000, 3_661_000].map(formatGoDuration)).toEqual(['0s', '500ms', '1s', '1.5s', '1m30s', '1h0m0s', '1h1m1s']);
  });
  it('parses Go duration text', () => {
    expect(['1h', '1m30s', '500ms', '1.5s', '0', 'x'].map(parseGoDuration)).toEqual([3_600_000, 90_000, 500, 1500, 0, undefined]);
  });
});
