import { describe, expect, it } from 'vitest';
import { fullVersionProblems, isNightly, nextMinor, nightlyCommit, nightlyVersion, releaseBranchFor, releaseTags } from './version.js';

describe('versions', () => {
  it('makes nightly versions that are semver prereleases, sort by date and name the commit', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const a = nightlyVersion('v{next}-nightly.{date}+{sha7}', { next: '0.4.0', now: new Date('2024-03-05T02:00:00Z'), sha });
    const b = nightlyVersion('v{next}-nightly.{date}+{sha7}', { next: '0.4.0', now: new Date('2024-03-06T02:00:00Z'), sha });
    expect(a).toBe('v0.4.0-nightly.20240305+0123456');
    expect(isNightly(a)).toBe(true);
    expect(nightlyCommit(a)).toBe('0123456');
    expect([b, a].sort((x, y) => (x < y ? -1 : 1))).toEqual([a, b]);
  });

  it('takes the next minor after the highest published release, nightlies left out', () => {
    expect(nextMinor([])).toBe('0.1.0');
    expect(nextMinor(['v0.2.0', 'v0.10.1', 'v0.11.0-nightly.20240101+abcdef1'])).toBe('0.11.0');
    expect(releaseTags(['v1.0.0', 'not-a-version', 'v1.1.0-nightly.1+abc1234', 'v1.1.0-rc.1'])).toEqual(['v1.0.0', 'v1.1.0-rc.1']);
  });

  it('checks a full version: semver, not a nightly, greater than its line', () => {
    expect(fullVersionProblems('v0.3.1', ['v0.3.0', 'v0.4.0'])).toEqual([]);
    expect(fullVersionProblems('v0.3.0', ['v0.3.0'])).toEqual([{ reason: 'v0.3.0 is not greater than v0.3.0, already published on the 0.3 line', hint: 'release v0.3.1 instead' }]);
    expect(fullVersionProblems('0.3.1', [])[0]?.reason).toBe('0.3.1 is not a valid version');
    expect(fullVersionProblems('v0.3.1-nightly.20240101+abc1234', [])[0]?.reason).toMatch(/is a nightly/);
  });

  it('names the release branch of a line', () => {
    expect(releaseBranchFor('release-v*', 'v0.3.2')).toBe('release-v0.3.x');
  });
});
