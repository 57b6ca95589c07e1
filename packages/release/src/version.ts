import semver from 'semver';

/** A tag that is a nightly (a prerelease whose first identifier is "nightly"). */
export function isNightly(tag: string): boolean {
  const v = semver.parse(tag);
  return v !== null && v.prerelease[0] === 'nightly';
}

/** Valid semver tags (with or without a leading v), nightlies left out. */
export function releaseTags(tags: readonly string[]): string[] {
  return tags.filter((t) => semver.valid(t) !== null && !isNightly(t));
}

/** The highest version of `tags` by semver precedence, or undefined. */
export function highest(tags: readonly string[]): string | undefined {
  const valid = tags.filter((t) => semver.valid(t) !== null);
  return valid.length ? semver.rsort([...valid])[0] : undefined;
}

/** "X.Y" of a version. */
export function lineOf(version: string): string {
  const v = semver.parse(version);
  return v ? `${v.major}.${v.minor}` : '';
}

/** The release branch of a version's line: `release-v*` → `release-v0.3.x`. */
export function releaseBranchFor(pattern: string, version: string): string {
  return pattern.replace('*', `${lineOf(version)}.x`);
}

/** X.Y.Z of the next minor after the highest published release (0.1.0 when there is none). */
export function nextMinor(published: readonly string[]): string {
  const top = highest(releaseTags(published));
  if (!top) return '0.1.0';
  const v = semver.parse(top)!;
  return `${v.major}.${v.minor + 1}.0`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Fills the nightly version template: {next} {date} {time} {sha7} {sha}. */
export function nightlyVersion(template: string, vars: { next: string; now: Date; sha: string }): string {
  const d = vars.now;
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return template
    .replaceAll('{next}', vars.next)
    .replaceAll('{date}', date)
    .replaceAll('{time}', time)
    .replaceAll('{sha7}', vars.sha.slice(0, 7))
    .replaceAll('{sha}', vars.sha);
}

/** The commit a nightly names in its build metadata (+<sha7>) or prerelease, if any. */
export function nightlyCommit(tag: string): string | undefined {
  const v = semver.parse(tag);
  if (!v) return undefined;
  return [...v.build, ...v.prerelease.map(String)].find((p) => /^[0-9a-f]{7,40}$/.test(p));
}

export interface VersionProblem {
  reason: string;
  hint: string;
}

/**
 * Problems with a full version: not semver, a nightly, or not greater than every published
 * release of its line (X.Y).
 */
export function fullVersionProblems(version: string, published: readonly string[]): VersionProblem[] {
  if (semver.valid(version) === null || !version.startsWith('v')) {
    return [{ reason: `${version} is not a valid version`, hint: 'pass --version vX.Y.Z (semantic versioning, with a leading v)' }];
  }
  if (isNightly(version)) return [{ reason: `${version} is a nightly version`, hint: 'use plumbing release nightly for nightlies' }];
  const line = lineOf(version);
  const sameLine = releaseTags(published).filter((t) => lineOf(t) === line);
  const top = highest(sameLine);
  if (top && semver.lte(version, top)) {
    const next = semver.inc(top, 'patch');
    return [{ reason: `${version} is not greater than ${top}, already published on the ${line} line`, hint: `release v${next} instead` }];
  }
  return [];
}

export function compare(a: string, b: string): number {
  return semver.compare(a, b);
}

/** A version with a prerelease part (vX.Y.Z-rc.1, nightlies). */
export function isPrerelease(v: string): boolean {
  return (semver.prerelease(v)?.length ?? 0) > 0;
}
