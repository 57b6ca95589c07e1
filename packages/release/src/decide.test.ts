import { describe, expect, it } from 'vitest';
import { DEFAULT_NIGHTLY_VERSION, type ReleaseProjectConfig } from './config.js';
import { decideLatest, decidePrevious, decideVersion } from './decide.js';
import type { ReleaseFacts } from './gather.js';
import type { ReleaseInfo } from '@plumbing/github';

const commit = 'abcdef1'.padEnd(40, '0');
const config = { project: 'demo', nightly: { schedule: undefined, version: DEFAULT_NIGHTLY_VERSION, branch: 'main' } } as ReleaseProjectConfig;
const rel = (tagName: string, draft = false) => ({ tagName, draft }) as ReleaseInfo;
const facts = (over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  kind: 'nightly',
  commit,
  commitSubject: 's',
  releases: [rel('v0.1.0'), rel('v0.2.0'), rel('v0.3.0', true)],
  localTags: ['v0.1.0', 'v0.2.0'],
  reachableTags: ['v0.1.0'],
  bucketNightlies: [],
  latestNightlyJournal: undefined,
  gitUrl: 'https://example.invalid/demo.git',
  now: new Date('2026-03-05T02:00:00Z'),
  ...over,
});

describe('the plan decisions (pure functions of the gathered facts)', () => {
  it('names a new nightly after the published releases, drafts left out', () => {
    const v = decideVersion(facts(), { kind: 'nightly' }, config);
    expect(v.noChange).toBeNull();
    expect(v.version).toMatch(/^v0\.3\.0-nightly\.20260305/);
    expect(v.version).toContain('abcdef1');
  });

  it('says nothing changed when the newest nightly names the commit and finished, and resumes it when it did not', () => {
    const last = decideVersion(facts(), { kind: 'nightly' }, config).version;
    const done = decideVersion(facts({ releases: [rel('v0.2.0'), rel(last)] }), { kind: 'nightly' }, config);
    expect(done).toMatchObject({ version: last, noChange: expect.stringContaining('nothing changed since the last nightly') });
    const draft = decideVersion(facts({ releases: [rel('v0.2.0'), rel(last, true)] }), { kind: 'nightly' }, config);
    expect(draft).toMatchObject({ version: last, noChange: null, versionReason: expect.stringContaining('did not finish') });
    const failed = { attempts: [{ outcome: 'failure' }] } as unknown as ReleaseFacts['latestNightlyJournal'];
    const offline = decideVersion(facts({ releases: undefined, localTags: [last], latestNightlyJournal: failed }), { kind: 'nightly' }, config);
    expect(offline).toMatchObject({ version: last, noChange: null });
  });

  it('takes a full version as given and refuses one that is not semver', () => {
    expect(decideVersion(facts({ kind: 'full' }), { kind: 'full', version: 'v0.2.1' }, config)).toMatchObject({ version: 'v0.2.1', versionReason: expect.stringContaining('the 0.2 line has v0.2.0') });
    expect(() => decideVersion(facts({ kind: 'full' }), { kind: 'full', version: 'latest' }, config)).toThrow();
    expect(() => decideVersion(facts({ kind: 'full' }), { kind: 'full' }, config)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('picks the previous release among published tags reachable from the commit', () => {
    expect(decidePrevious(facts({ reachableTags: ['v0.1.0', 'v0.3.0'] }), 'v0.4.0').previousVersion).toBe('v0.1.0');
    expect(decidePrevious(facts({ reachableTags: [] }), 'v0.4.0')).toEqual({ previousVersion: null, previousReason: 'no earlier release is reachable from abcdef1' });
  });

  it('makes only the highest full release Latest', () => {
    expect(decideLatest(facts(), 'v0.1.0-nightly.1').makeLatest).toBe('false');
    expect(decideLatest(facts({ kind: 'full' }), 'v0.1.1')).toEqual({ makeLatest: 'false', makeLatestReason: 'v0.2.0 is newer: a patch on an older line never becomes Latest' });
    expect(decideLatest(facts({ kind: 'full' }), 'v0.4.0')).toEqual({ makeLatest: 'true', makeLatestReason: 'greater than every published release (v0.2.0)' });
  });
});
