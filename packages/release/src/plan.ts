import { PlumbingError, UsageError } from '@plumbing/model';
import { join } from 'node:path';
import { type ArtifactSource, bucketOutputs, buildArtifact, readOutputs, selectOutputs, toolArtifact } from './artifacts.js';
import { type BackendInput, localBackend, type ReleaseBackend } from './backend.js';
import { type Bucket, openBucket } from './bucket.js';
import { type PipelineInfo, runChecks, type PlanCheck } from './checks.js';
import { loadReleaseConfig, type ReleaseProjectConfig } from './config.js';
import type { ReleaseContext, ReleaseKind, ReleaseRequest } from './context.js';
import type { ReleaseInfo } from '@plumbing/github';
import { journalDir, lastAttempt, readJournal } from './journal.js';
import { renderNotes } from './render-notes.js';
import { buildSteps, type StepAction, type StepDef, type StepKind } from './steps.js';
import { compare, fullVersionProblems, highest, isNightly, isPrerelease, lineOf, nextMinor, nightlyCommit, nightlyVersion, releaseTags } from './version.js';

export interface PlanStep {
  id: string;
  kind: StepKind;
  target: string;
  action: StepAction;
  detail: string;
}

/** Everything a release will do, as data: printed by --dry-run, saved with the journal. */
export interface ReleasePlan {
  project: string;
  kind: ReleaseKind;
  version: string;
  versionReason: string;
  previousVersion: string | null;
  previousReason: string;
  commit: string;
  commitSubject: string;
  branch: string;
  backend: 'local' | 'cluster';
  bucket: string;
  bucketPrefix: string;
  imageRegistry: string;
  repository: string;
  makeLatest: 'true' | 'false';
  makeLatestReason: string;
  publish: boolean;
  /** The release pipeline runs the repository's tests (run-tests): always on the cluster, locally with --with-tests. */
  runTests: boolean;
  /** True when GitHub could not be read (no token): GitHub steps say what they would do. */
  offline: boolean;
  /** Set when there is nothing to release (a nightly with no change since the last one). */
  noChange: string | null;
  checks: PlanCheck[];
  /** The release pipeline at the commit (the backends bind only the params and workspaces it declares). */
  pipeline: PipelineInfo;
  steps: PlanStep[];
  notes: string;
  notesSource: 'pull-requests' | 'git-log';
  pullRequests: number;
  /** Some check failed: the release will refuse. */
  refused: boolean;
  /** Some step will change something. */
  pending: boolean;
}

/** A computed plan plus what applying it needs. */
export interface PreparedRelease {
  plan: ReleasePlan;
  config: ReleaseProjectConfig;
  bucket: Bucket;
  backend: ReleaseBackend;
  steps: StepDef[];
  /** spec.artifacts with their files (the one list the bucket and the GitHub steps converge on). */
  artifacts: ArtifactSource[];
  /** Where the local backend keeps the release pipeline's release/ outputs of this version and commit. */
  outputsDir: string;
  gitUrl: string;
}

export const bucketPrefixOf = (project: string, kind: ReleaseKind, version: string) => `${project}/${kind === 'nightly' ? 'nightly' : 'previous'}/${version}`;

/** Computes the plan. Reads only: git, the bucket, GitHub when there is a token. */
export async function prepareRelease(ctx: ReleaseContext, req: ReleaseRequest, opts: { dryRun?: boolean } = {}): Promise<PreparedRelease> {
  const config = loadReleaseConfig(ctx.root, req.project);
  const bucket = (ctx.openBucket ?? ((u: string) => openBucket(u, ctx.root)))(config.bucket);
  const backendName = req.backend ?? (req.context !== undefined || req.inCluster ? 'cluster' : 'local');
  const backend = ctx.backends?.[backendName] ?? (backendName === 'local' ? localBackend : undefined);
  if (!backend) throw new PlumbingError('RELEASE_BACKEND', `the ${backendName} backend is not available here`, { hint: 'use --backend local' });
  const commit = await ctx.git.revParse(req.commit ?? 'HEAD');
  if (!commit) throw new PlumbingError('RELEASE_COMMIT', `no commit ${req.commit ?? 'HEAD'} in ${ctx.root}`, { hint: 'run from a clone of the repository, or pass --commit SHA' });
  const gh = ctx.github;
  const releases: ReleaseInfo[] | undefined = gh ? await gh.listReleases() : undefined;
  const localTags = await ctx.git.allTags();
  // Published full releases: from GitHub when it can be read, else the local tags (said in the plan).
  const published = releases ? releaseTags(releases.filter((r) => !r.draft).map((r) => r.tagName)) : releaseTags(localTags);
  const publishedFrom = releases ? 'published GitHub releases' : 'local git tags (GitHub not read)';

  let version: string;
  let versionReason: string;
  let noChange: string | null = null;
  if (req.kind === 'full') {
    if (!req.version) throw new PlumbingError('USAGE', 'a full release needs --version vX.Y.Z', { exitCode: 2, hint: 'plumbing release full --version v0.3.0' });
    version = req.version;
    const bad = fullVersionProblems(version, []);
    if (bad.length) throw new UsageError(bad[0]!.reason, bad[0]!.hint);
    const top = highest(published.filter((t) => lineOf(t) === lineOf(version)));
    versionReason = `given with --version; ${top ? `the ${lineOf(version)} line has ${top} (from ${publishedFrom})` : `the first release of the ${lineOf(version)} line (from ${publishedFrom})`}`;
  } else {
    // Nightlies: tags here, releases on GitHub, and the bucket's nightly/ (a nightly without a token has no tag).
    const inBucket = bucket.reachable ? await bucket.list(`${config.project}/nightly`).catch(() => [] as string[]) : [];
    const nightlies = [...new Set([...localTags, ...(releases ?? []).map((r) => r.tagName), ...inBucket].filter(isNightly))];
    const latestNightly = nightlies.sort(compare).at(-1);
    const named = latestNightly ? nightlyCommit(latestNightly) : undefined;
    const next = nextMinor(published);
    if (latestNightly && named && commit.startsWith(named)) {
      // The newest nightly names this commit: resume it when its journal says it did not finish.
      const j = (await readBucketJournal(bucket, config.project, latestNightly)) ?? (await readJournal(ctx.root, config.project, latestNightly));
      version = latestNightly;
      // Unfinished: the journal says so, or (when GitHub is read) its release is missing or still a draft.
      const onGitHub = releases?.find((r) => r.tagName === latestNightly && !r.draft) ?? releases?.find((r) => r.tagName === latestNightly);
      const unfinished = lastAttempt(j)?.outcome === 'failure' || lastAttempt(j)?.outcome === 'running' || (releases !== undefined && (onGitHub === undefined || onGitHub.draft));
      if (unfinished) versionReason = `resuming ${latestNightly}: it names ${commit.slice(0, 7)} and did not finish`;
      else {
        versionReason = `${latestNightly} already names ${commit.slice(0, 7)}`;
        noChange = `nothing changed since the last nightly ${latestNightly} (${commit.slice(0, 7)}): no new nightly`;
      }
    } else {
      version = nightlyVersion(config.nightly.version, { next, now: ctx.now(), sha: commit });
      versionReason = `nightly of the next minor ${next} (after ${highest(published) ?? 'no release yet'}, from ${publishedFrom}), dated ${ctx.now().toISOString().slice(0, 10)}, naming ${commit.slice(0, 7)}${latestNightly ? `; the last nightly was ${latestNightly}` : ''}`;
    }
  }

  // The previous release: by semver among published, non-nightly tags reachable from the commit.
  const reachable = new Set(await ctx.git.tagsMerged(commit));
  const candidates = releaseTags([...reachable]).filter((t) => t !== version && (releases ? published.includes(t) : true) && compare(t, version) < 0);
  const previousVersion = highest(candidates) ?? null;
  const previousReason = previousVersion
    ? `highest ${releases ? 'published ' : ''}release reachable from ${commit.slice(0, 7)} (merge-base), nightlies and drafts left out${releases ? '' : '; publication not checked (GitHub not read)'}`
    : `no earlier release is reachable from ${commit.slice(0, 7)}`;

  const topAll = highest(published.filter((t) => t !== version));
  const isPre = req.kind === 'nightly' || isPrerelease(version);
  let makeLatest: 'true' | 'false' = 'false';
  let makeLatestReason: string;
  if (isPre) makeLatestReason = 'a prerelease is never Latest';
  else if (topAll && compare(version, topAll) < 0) makeLatestReason = `${topAll} is newer: a patch on an older line never becomes Latest`;
  else {
    makeLatest = 'true';
    makeLatestReason = topAll ? `greater than every published release (${topAll})` : 'the first release';
  }

  const branch = req.kind === 'full' ? config.releaseBranches.replace('*', `${lineOf(version)}.x`) : config.nightly.branch;
  const bucketPrefix = bucketPrefixOf(config.project, req.kind, version);
  const { notes, source: notesSource, pullRequests } = await renderNotes(ctx, config, { version, previousVersion, commit });

  // The one artifact list: spec.artifacts. Pipeline outputs are read from where they are: locally
  // the pipeline's release/ kept under .plumbing/releases/ (else the file:// bucket, once
  // published); on the cluster the bucket the pipeline uploaded to (file://; s3:// and gs:// are
  // not readable here).
  const outputsDir = join(journalDir(ctx.root, config.project, version), 'outputs', commit);
  const pipelineNames = config.artifacts.filter((a) => a.paths === undefined).map((a) => a.name);
  const fromBucket = async (): Promise<Map<string, import('./artifacts.js').ArtifactFile[]> | undefined> => {
    if (!bucket.reachable) return undefined;
    const all = await bucketOutputs(bucket, bucketPrefix, pipelineNames);
    return all.length ? selectOutputs(pipelineNames, all, `${bucket.url} ${bucketPrefix}`) : undefined;
  };
  const outputs = async (): Promise<Map<string, import('./artifacts.js').ArtifactFile[]> | undefined> => {
    if (backend.pipelineUploads) return fromBucket();
    const built = await readOutputs(outputsDir);
    if (built) return selectOutputs(pipelineNames, built, `release/ of the pipeline run, kept in ${outputsDir}`);
    return fromBucket();
  };
  const artifacts: ArtifactSource[] = [];
  const artifactErrors: string[] = [];
  for (const a of config.artifacts) {
    if (a.paths === undefined) {
      artifacts.push({ name: a.name, builtBy: 'pipeline', files: async () => (await outputs())?.get(a.name) });
      continue;
    }
    if (backend.pipelineUploads) artifactErrors.push(`${a.name} is built by the tool (paths), but with the cluster backend every artifact is a build output of the ${config.pipeline} pipeline`);
    try {
      artifacts.push(toolArtifact(await buildArtifact(ctx.git, commit, { name: a.name, paths: a.paths })));
    } catch (e) {
      artifactErrors.push(e instanceof Error ? e.message : String(e));
    }
  }
  const gitUrl = (await ctx.git.remoteUrl(config.remote)) ?? ctx.root;

  const checked = noChange ? undefined : await runChecks(ctx, req, { config, version, commit, branch, backend, published, artifactErrors, apply: opts.dryRun !== true });
  const checks = checked?.checks ?? [];
  const pipeline: PipelineInfo = checked?.pipeline ?? { name: config.pipeline, found: false, file: null, params: [], workspaces: [] };
  const artifactCheck = checks.find((c) => c.id === 'artifacts');
  if (checked && artifactCheck?.status === 'pass' && pipelineNames.length > 0 && !pipeline.found) {
    Object.assign(artifactCheck, { status: 'fail', reason: `${pipelineNames.join(', ')} are build outputs of the ${config.pipeline} pipeline, which is not in the repository at ${commit.slice(0, 7)}`, hint: `add pipelines/${config.pipeline}, or give each artifact paths (built by the tool)` });
  }
  const publish = req.kind === 'nightly' ? true : req.publish === true;
  const steps = noChange
    ? []
    : buildSteps({
        version,
        commit,
        kind: req.kind,
        name: req.kind === 'nightly' ? `${config.project} nightly ${version}` : `${config.project} ${version}`,
        notes,
        makeLatest,
        publish,
        artifacts,
        bucket,
        bucketPrefix,
        // latest/ follows publication: a draft left for review does not move it.
        latestPrefix: req.kind === 'full' && makeLatest === 'true' && publish && !backend.pipelineUploads ? `${config.project}/latest` : undefined,
        github: gh,
        pipelineUploads: backend.pipelineUploads,
      });

  const plan: ReleasePlan = {
    project: config.project,
    kind: req.kind,
    version,
    versionReason,
    previousVersion,
    previousReason,
    commit,
    commitSubject: await ctx.git.subject(commit),
    branch,
    backend: backend.name,
    bucket: config.bucket,
    bucketPrefix,
    imageRegistry: config.imageRegistry,
    repository: `${config.owner}/${config.repo}`,
    makeLatest,
    makeLatestReason,
    publish,
    runTests: backend.pipelineUploads || req.withTests === true,
    offline: gh === undefined,
    noChange,
    checks,
    pipeline,
    steps: [],
    notes,
    notesSource,
    pullRequests,
    refused: checks.some((c) => c.status === 'fail'),
    pending: false,
  };
  const prepared: PreparedRelease = { plan, config, bucket, backend, steps, artifacts, outputsDir, gitUrl };
  if (!noChange) {
    const input: Omit<BackendInput, 'out'> = { plan, git: ctx.git, config, bucket, gitUrl };
    const pipelineStep: PlanStep = { id: 'pipeline', kind: 'pipeline', target: `${backend.name} backend`, action: 'skip', detail: backend.describe(input) };
    plan.steps.push(pipelineStep);
    for (const s of steps) {
      try {
        const i = await s.inspect();
        plan.steps.push({ id: s.id, kind: s.kind, target: s.target, action: i.action, detail: i.detail });
      } catch (e) {
        plan.refused = true;
        plan.checks.push({ id: `step:${s.id}`, status: 'fail', reason: e instanceof Error ? e.message : String(e), hint: e instanceof PlumbingError && e.hint ? e.hint : 're-run when fixed' });
        plan.steps.push({ id: s.id, kind: s.kind, target: s.target, action: 'unknown', detail: 'refused (see checks)' });
      }
    }
    const j = await readJournal(ctx.root, config.project, version);
    const ran = j?.commit === commit && j.steps.pipeline?.status === 'done';
    if (backend.pipelineUploads) {
      // The pipeline runs unless its uploads are all there (or the journal says it ran for this commit).
      const uploads = plan.steps.filter((s) => s.kind === 'bucket');
      if (!ran && !(uploads.length > 0 && uploads.every((s) => s.action === 'skip'))) pipelineStep.action = 'run';
      else pipelineStep.detail = ran ? `the ${config.pipeline} pipeline already ran for ${commit.slice(0, 7)} (journal)` : `the artifacts of the ${config.pipeline} pipeline are in the bucket`;
    } else if (pipeline.found) {
      // Locally the pipeline builds and tests; it runs once per commit (the journal), then the steps
      // publish its outputs. It runs again only when its outputs are needed and gone.
      const missing = pipelineNames.length > 0 && (await Promise.all(artifacts.filter((a) => a.builtBy === 'pipeline').map((a) => a.files().catch(() => undefined)))).some((f) => f === undefined);
      const pendingSteps = plan.steps.some((s) => s.kind !== 'pipeline' && s.action !== 'skip' && !skippedOffline(plan, s));
      if (pendingSteps && (missing || !ran)) pipelineStep.action = 'run';
      else if (ran) pipelineStep.detail = `the ${config.pipeline} pipeline already ran for ${commit.slice(0, 7)} (journal)`;
    }
    plan.pending = plan.steps.some((s) => s.action !== 'skip' && !skippedOffline(plan, s));
  }
  return prepared;
}

/** A GitHub step of a local nightly without a token: planned (unknown), then skipped, never pending. */
export function skippedOffline(plan: Pick<ReleasePlan, 'offline' | 'kind' | 'backend'>, step: Pick<PlanStep, 'kind' | 'action'>): boolean {
  return plan.offline && plan.kind === 'nightly' && plan.backend === 'local' && step.action === 'unknown' && (step.kind === 'tag' || step.kind === 'release' || step.kind === 'asset' || step.kind === 'publish');
}

async function readBucketJournal(bucket: Bucket, project: string, version: string) {
  if (!bucket.reachable) return undefined;
  try {
    const b = await bucket.get(`${bucketPrefixOf(project, 'nightly', version)}/journal.json`);
    return b ? (JSON.parse(String(b)) as import('./journal.js').Journal) : undefined;
  } catch {
    return undefined;
  }
}
