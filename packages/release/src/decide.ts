// The plan's decisions: pure functions of the gathered facts (no I/O), tested without a repository.
import { PlumbingError, UsageError } from '@plumbing/model';
import type { ReleaseProjectConfig } from './config.js';
import { latestNightlyOf, type ReleaseFacts } from './gather.js';
import type { Journal } from './journal.js';
import { lastAttempt } from './journal.js';
import type { PlanStep, ReleasePlan, ReleaseRequest } from './types.js';
import { compare, fullVersionProblems, highest, isPrerelease, lineOf, nextMinor, nightlyCommit, nightlyVersion, releaseTags } from './version.js';

/** Published full releases: from GitHub when it can be read, else the local tags (said in the plan). */
export function publishedOf(f: ReleaseFacts): { published: string[]; from: string } {
  return f.releases
    ? { published: releaseTags(f.releases.filter((r) => !r.draft).map((r) => r.tagName)), from: 'published GitHub releases' }
    : { published: releaseTags(f.localTags), from: 'local git tags (GitHub not read)' };
}

export interface VersionDecision {
  version: string;
  versionReason: string;
  /** Set when there is nothing to release (a nightly with no change since the last one). */
  noChange: string | null;
}

function fullVersion(f: ReleaseFacts, req: ReleaseRequest): VersionDecision {
  if (!req.version) throw new PlumbingError('USAGE', 'a full release needs --version vX.Y.Z', { exitCode: 2, hint: 'plumbing release full --version v0.3.0' });
  const version = req.version;
  const bad = fullVersionProblems(version, []);
  if (bad.length) throw new UsageError(bad[0]!.reason, bad[0]!.hint);
  const { published, from } = publishedOf(f);
  const top = highest(published.filter((t) => lineOf(t) === lineOf(version)));
  const versionReason = `given with --version; ${top ? `the ${lineOf(version)} line has ${top} (from ${from})` : `the first release of the ${lineOf(version)} line (from ${from})`}`;
  return { version, versionReason, noChange: null };
}

function nightly(f: ReleaseFacts, config: ReleaseProjectConfig): VersionDecision {
  const { published, from } = publishedOf(f);
  const latest = latestNightlyOf(f);
  const named = latest ? nightlyCommit(latest) : undefined;
  const short = f.commit.slice(0, 7);
  if (latest && named && f.commit.startsWith(named)) {
    // The newest nightly names this commit: resume it when it did not finish (the journal says so,
    // or, when GitHub is read, its release is missing or still a draft).
    const onGitHub = f.releases?.find((r) => r.tagName === latest && !r.draft) ?? f.releases?.find((r) => r.tagName === latest);
    const outcome = lastAttempt(f.latestNightlyJournal)?.outcome;
    const unfinished = outcome === 'failure' || outcome === 'running' || (f.releases !== undefined && (onGitHub === undefined || onGitHub.draft));
    if (unfinished) return { version: latest, versionReason: `resuming ${latest}: it names ${short} and did not finish`, noChange: null };
    return { version: latest, versionReason: `${latest} already names ${short}`, noChange: `nothing changed since the last nightly ${latest} (${short}): no new nightly` };
  }
  const next = nextMinor(published);
  const version = nightlyVersion(config.nightly.version, { next, now: f.now, sha: f.commit });
  const versionReason = `nightly of the next minor ${next} (after ${highest(published) ?? 'no release yet'}, from ${from}), dated ${f.now.toISOString().slice(0, 10)}, naming ${short}${latest ? `; the last nightly was ${latest}` : ''}`;
  return { version, versionReason, noChange: null };
}

/** The version: given (full), or the next nightly, or the unfinished nightly of this commit. */
export function decideVersion(f: ReleaseFacts, req: ReleaseRequest, config: ReleaseProjectConfig): VersionDecision {
  return req.kind === 'full' ? fullVersion(f, req) : nightly(f, config);
}

/** The previous release: by semver among published, non-nightly tags reachable from the commit. */
export function decidePrevious(f: ReleaseFacts, version: string): Pick<ReleasePlan, 'previousVersion' | 'previousReason'> {
  const { published } = publishedOf(f);
  const candidates = releaseTags(f.reachableTags).filter((t) => t !== version && (f.releases ? published.includes(t) : true) && compare(t, version) < 0);
  const previousVersion = highest(candidates) ?? null;
  const short = f.commit.slice(0, 7);
  const read = f.releases !== undefined;
  const previousReason = previousVersion
    ? `highest ${read ? 'published ' : ''}release reachable from ${short} (merge-base), nightlies and drafts left out${read ? '' : '; publication not checked (GitHub not read)'}`
    : `no earlier release is reachable from ${short}`;
  return { previousVersion, previousReason };
}

/** make_latest: never for a prerelease, nor for a patch on an older line. */
export function decideLatest(f: ReleaseFacts, version: string): Pick<ReleasePlan, 'makeLatest' | 'makeLatestReason'> {
  const topAll = highest(publishedOf(f).published.filter((t) => t !== version));
  if (f.kind === 'nightly' || isPrerelease(version)) return { makeLatest: 'false', makeLatestReason: 'a prerelease is never Latest' };
  if (topAll && compare(version, topAll) < 0) return { makeLatest: 'false', makeLatestReason: `${topAll} is newer: a patch on an older line never becomes Latest` };
  return { makeLatest: 'true', makeLatestReason: topAll ? `greater than every published release (${topAll})` : 'the first release' };
}

/** A GitHub step of a local nightly without a token: planned (unknown), then skipped, never pending. */
export function skippedOffline(plan: Pick<ReleasePlan, 'offline' | 'kind' | 'backend'>, step: Pick<PlanStep, 'kind' | 'action'>): boolean {
  return plan.offline && plan.kind === 'nightly' && plan.backend === 'local' && step.action === 'unknown' && (step.kind === 'tag' || step.kind === 'release' || step.kind === 'asset' || step.kind === 'publish');
}

export interface PipelineFacts {
  pipelineName: string;
  pipelineUploads: boolean;
  pipelineFound: boolean;
  /** The journal of this version says the pipeline ran for this commit. */
  ran: boolean;
  /** Some pipeline-built artifact's files are not there (locally). */
  outputsMissing: boolean;
}

/** Whether the pipeline step runs, from the inspected steps and the journal. */
export function decidePipelineStep(plan: ReleasePlan, step: PlanStep, p: PipelineFacts): PlanStep {
  const short = plan.commit.slice(0, 7);
  const ranDetail = `the ${p.pipelineName} pipeline already ran for ${short} (journal)`;
  if (p.pipelineUploads) {
    // The pipeline runs unless its uploads are all there (or the journal says it ran for this commit).
    const uploads = plan.steps.filter((s) => s.kind === 'bucket');
    if (!p.ran && !(uploads.length > 0 && uploads.every((s) => s.action === 'skip'))) return { ...step, action: 'run' };
    return { ...step, detail: p.ran ? ranDetail : `the artifacts of the ${p.pipelineName} pipeline are in the bucket` };
  }
  if (!p.pipelineFound) return step;
  // Locally the pipeline builds and tests; it runs once per commit (the journal), then the steps
  // publish its outputs. It runs again only when its outputs are needed and gone.
  const pendingSteps = plan.steps.some((s) => s.kind !== 'pipeline' && s.action !== 'skip' && !skippedOffline(plan, s));
  if (pendingSteps && (p.outputsMissing || !p.ran)) return { ...step, action: 'run' };
  return p.ran ? { ...step, detail: ranDetail } : step;
}

/** The journal says the pipeline ran for this commit. */
export const pipelineRan = (j: Journal | undefined, commit: string) => j?.commit === commit && j.steps.pipeline?.status === 'done';
