import type { Bucket } from '@plumbing/storage';
import type { ReleaseProjectConfig } from './config.js';
import type { ReleaseInfo } from '@plumbing/github';
import { type Journal, readJournal } from './journal.js';
import type { ReleaseContext, ReleaseKind, ReleaseRequest } from './types.js';
import { compare, isNightly, nightlyCommit } from './version.js';

/** What a release plan is decided from: read once from git, GitHub (with a token) and the bucket. */
export interface ReleaseFacts {
  kind: ReleaseKind;
  commit: string;
  commitSubject: string;
  /** GitHub's releases; undefined when GitHub is not read (no token). */
  releases: ReleaseInfo[] | undefined;
  localTags: string[];
  /** Tags reachable from the commit. */
  reachableTags: string[];
  /** Versions under the bucket's nightly/ (when the bucket is readable here). */
  bucketNightlies: string[];
  /** The journal of the newest nightly, when it names this commit (a resume or nothing to do). */
  latestNightlyJournal: Journal | undefined;
  gitUrl: string;
  now: Date;
}

export const bucketPrefixOf = (project: string, kind: ReleaseKind, version: string) => `${project}/${kind === 'nightly' ? 'nightly' : 'previous'}/${version}`;

/** The newest nightly among tags, GitHub releases and the bucket (a nightly without a token has no tag). */
export function latestNightlyOf(f: Pick<ReleaseFacts, 'localTags' | 'releases' | 'bucketNightlies'>): string | undefined {
  const all = [...new Set([...f.localTags, ...(f.releases ?? []).map((r) => r.tagName), ...f.bucketNightlies].filter(isNightly))];
  return all.sort(compare).at(-1);
}

async function readBucketJournal(bucket: Bucket, project: string, version: string): Promise<Journal | undefined> {
  if (!bucket.reachable) return undefined;
  try {
    const b = await bucket.get(`${bucketPrefixOf(project, 'nightly', version)}/journal.json`);
    return b ? (JSON.parse(String(b)) as Journal) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads everything the plan's decisions need. Reads only. */
export async function gatherFacts(ctx: ReleaseContext, req: ReleaseRequest, config: ReleaseProjectConfig, bucket: Bucket, commit: string): Promise<ReleaseFacts> {
  const releases = ctx.github ? await ctx.github.listReleases() : undefined;
  const localTags = await ctx.git.allTags();
  const bucketNightlies = req.kind === 'nightly' && bucket.reachable ? await bucket.list(`${config.project}/nightly`).catch(() => [] as string[]) : [];
  const facts: ReleaseFacts = {
    kind: req.kind,
    commit,
    commitSubject: await ctx.git.subject(commit),
    releases,
    localTags,
    reachableTags: await ctx.git.tagsMerged(commit),
    bucketNightlies,
    latestNightlyJournal: undefined,
    gitUrl: (await ctx.git.remoteUrl(config.remote)) ?? ctx.root,
    now: ctx.now(),
  };
  const latest = req.kind === 'nightly' ? latestNightlyOf(facts) : undefined;
  const named = latest ? nightlyCommit(latest) : undefined;
  if (latest && named && commit.startsWith(named)) {
    facts.latestNightlyJournal = (await readBucketJournal(bucket, config.project, latest)) ?? (await readJournal(ctx.root, config.project, latest));
  }
  return facts;
}
