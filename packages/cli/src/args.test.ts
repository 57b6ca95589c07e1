import { describe, expect, it } from 'vitest';
import { durationFlag } from './args.js';

describe('durationFlag', () => {
  it('reads Go durations, days and weeks, in milliseconds', () => {
    expect(['0', '90s', '.5s', '1μs', '1h30m', '7d', '2w'].map((t) => durationFlag('timeout', t))).toEqual([0, 90_000, 500, 0.001, 5_400_000, 604_800_000, 1_209_600_000]);
  });
  it('refuses what Go refuses (a trailing space, a bare number) and negative durations, as usage errors', () => {
    for (const t of ['10m ', '10', '3 days', '-5m']) expect(() => durationFlag('timeout', t)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
