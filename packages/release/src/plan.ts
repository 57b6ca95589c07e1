import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { type Bucket, openBucket } from '@plumbing/storage';
import { type ArtifactFile, type ArtifactSource, bucketOutputs, buildArtifact, readOutputs, selectOutputs, toolArtifact } from './artifacts.js';
import { localBackend } from './backend.js';
import { runChecks } from './checks.js';
import { loadReleaseConfig, type ReleaseProjectConfig } from './config.js';
import { decideLatest, decidePipelineStep, decidePrevious, decideVersion, pipelineRan, publishedOf, skippedOffline } from './decide.js';
import { bucketPrefixOf, gatherFacts, type ReleaseFacts } from './gather.js';
import { journalDir, readJournal } from './journal.js';
import { renderNotes } from './render-notes.js';
import { buildSteps } from './steps/registry.js';
import type { StepDef } from './steps/types.js';
import type { BackendInput, PipelineInfo, PlanStep, ReleaseBackend, ReleaseContext, ReleasePlan, ReleaseRequest } from './types.js';
import { lineOf } from './version.js';

export { bucketPrefixOf } from './gather.js';
export { skippedOffline } from './decide.js';

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

function chooseBackend(ctx: ReleaseContext, req: ReleaseRequest): ReleaseBackend {
  const name = req.backend ?? (req.context !== undefined || req.inCluster ? 'cluster' : 'local');
  const backend = ctx.backends?.[name] ?? (name === 'local' ? localBackend : undefined);
  if (!backend) throw new PlumbingError('RELEASE_BACKEND', `the ${name} backend is not available here`, { hint: 'use --backend local' });
  return backend;
}

interface ArtifactPlan {
  artifacts: ArtifactSource[];
  errors: string[];
  pipelineNames: string[];
  outputsDir: string;
}

/**
 * The one artifact list: spec.artifacts. Pipeline outputs are read from where they are: locally
 * the pipeline's release/ kept under .plumbing/releases/ (else the file:// bucket, once
 * published); on the cluster the bucket the pipeline uploaded to (file://; s3:// and gs:// are
 * not readable here).
 */
async function planArtifacts(ctx: ReleaseContext, config: ReleaseProjectConfig, bucket: Bucket, backend: ReleaseBackend, at: { version: string; commit: string; bucketPrefix: string }): Promise<ArtifactPlan> {
  const outputsDir = join(journalDir(ctx.root, config.project, at.version), 'outputs', at.commit);
  const pipelineNames = config.artifacts.filter((a) => a.paths === undefined).map((a) => a.name);
  const fromBucket = async (): Promise<Map<string, ArtifactFile[]> | undefined> => {
    if (!bucket.reachable) return undefined;
    const all = await bucketOutputs(bucket, at.bucketPrefix, pipelineNames);
    return all.length ? selectOutputs(pipelineNames, all, `${bucket.url} ${at.bucketPrefix}`) : undefined;
  };
  const outputs = async (): Promise<Map<string, ArtifactFile[]> | undefined> => {
    if (backend.pipelineUploads) return fromBucket();
    const built = await readOutputs(outputsDir);
    if (built) return selectOutputs(pipelineNames, built, `release/ of the pipeline run, kept in ${outputsDir}`);
    return fromBucket();
  };
  const artifacts: ArtifactSource[] = [];
  const errors: string[] = [];
  for (const a of config.artifacts) {
    if (a.paths === undefined) {
      artifacts.push({ name: a.name, builtBy: 'pipeline', files: async () => (await outputs())?.get(a.name) });
      continue;
    }
    if (backend.pipelineUploads) errors.push(`${a.name} is built by the tool (paths), but with the cluster backend every artifact is a build output of the ${config.pipeline} pipeline`);
    try {
      artifacts.push(toolArtifact(await buildArtifact(ctx.git, at.commit, { name: a.name, paths: a.paths })));
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { artifacts, errors, pipelineNames, outputsDir };
}

/** Inspects each step (reads only): its action and detail in the plan, or a refusal. */
async function inspectSteps(plan: ReleasePlan, steps: StepDef[]): Promise<void> {
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
}

/** The plan's data before its steps are inspected. */
function planOf(f: ReleaseFacts, req: ReleaseRequest, config: ReleaseProjectConfig, backend: ReleaseBackend, v: ReturnType<typeof decideVersion>, rest: Pick<ReleasePlan, 'checks' | 'pipeline' | 'notes' | 'notesSource' | 'pullRequests'>): ReleasePlan {
  return {
    project: config.project,
    kind: req.kind,
    ...v,
    ...decidePrevious(f, v.version),
    commit: f.commit,
    commitSubject: f.commitSubject,
    branch: req.kind === 'full' ? config.releaseBranches.replace('*', `${lineOf(v.version)}.x`) : config.nightly.branch,
    backend: backend.name,
    bucket: config.bucket,
    bucketPrefix: bucketPrefixOf(config.project, req.kind, v.version),
    imageRegistry: config.imageRegistry,
    repository: `${config.owner}/${config.repo}`,
    ...decideLatest(f, v.version),
    publish: req.kind === 'nightly' ? true : req.publish === true,
    runTests: backend.pipelineUploads || req.withTests === true,
    offline: f.releases === undefined,
    ...rest,
    steps: [],
    refused: rest.checks.some((c) => c.status === 'fail'),
    pending: false,
  };
}

/** The pre-release checks, and the artifacts check failed when pipeline artifacts have no pipeline. */
async function checksOf(ctx: ReleaseContext, req: ReleaseRequest, config: ReleaseProjectConfig, backend: ReleaseBackend, f: ReleaseFacts, v: ReturnType<typeof decideVersion>, art: ArtifactPlan, apply: boolean): Promise<Pick<ReleasePlan, 'checks' | 'pipeline'>> {
  const none: PipelineInfo = { name: config.pipeline, found: false, file: null, params: [], workspaces: [] };
  if (v.noChange) return { checks: [], pipeline: none };
  const branch = req.kind === 'full' ? config.releaseBranches.replace('*', `${lineOf(v.version)}.x`) : config.nightly.branch;
  const { published } = publishedOf(f);
  const checked = await runChecks(ctx, req, { config, version: v.version, commit: f.commit, branch, backend, published, artifactErrors: art.errors, apply });
  const artifactCheck = checked.checks.find((c) => c.id === 'artifacts');
  if (artifactCheck?.status === 'pass' && art.pipelineNames.length > 0 && !checked.pipeline.found) {
    Object.assign(artifactCheck, { status: 'fail', reason: `${art.pipelineNames.join(', ')} are build outputs of the ${config.pipeline} pipeline, which is not in the repository at ${f.commit.slice(0, 7)}`, hint: `add pipelines/${config.pipeline}, or give each artifact paths (built by the tool)` });
  }
  return checked;
}

/** Computes the plan: gather (git, the bucket, GitHub when there is a token), then decide. Reads only. */
export async function prepareRelease(ctx: ReleaseContext, req: ReleaseRequest, opts: { dryRun?: boolean } = {}): Promise<PreparedRelease> {
  const config = loadReleaseConfig(ctx.root, req.project);
  const bucket = (ctx.openBucket ?? ((u: string) => openBucket(u, ctx.root)))(config.bucket);
  const backend = chooseBackend(ctx, req);
  const commit = await ctx.git.revParse(req.commit ?? 'HEAD');
  if (!commit) throw new PlumbingError('RELEASE_COMMIT', `no commit ${req.commit ?? 'HEAD'} in ${ctx.root}`, { hint: 'run from a clone of the repository, or pass --commit SHA' });
  const f = await gatherFacts(ctx, req, config, bucket, commit);
  const v = decideVersion(f, req, config);
  const bucketPrefix = bucketPrefixOf(config.project, req.kind, v.version);
  const prev = decidePrevious(f, v.version);
  const notes = await renderNotes(ctx, config, { version: v.version, previousVersion: prev.previousVersion, commit });
  const art = await planArtifacts(ctx, config, bucket, backend, { version: v.version, commit, bucketPrefix });
  const checked = await checksOf(ctx, req, config, backend, f, v, art, opts.dryRun !== true);
  const plan = planOf(f, req, config, backend, v, { ...checked, notes: notes.notes, notesSource: notes.source, pullRequests: notes.pullRequests });
  const steps = v.noChange
    ? []
    : buildSteps({
        version: v.version,
        commit,
        kind: req.kind,
        name: req.kind === 'nightly' ? `${config.project} nightly ${v.version}` : `${config.project} ${v.version}`,
        notes: plan.notes,
        makeLatest: plan.makeLatest,
        publish: plan.publish,
        artifacts: art.artifacts,
        bucket,
        bucketPrefix,
        // latest/ follows publication: a draft left for review does not move it.
        latestPrefix: req.kind === 'full' && plan.makeLatest === 'true' && plan.publish && !backend.pipelineUploads ? `${config.project}/latest` : undefined,
        github: ctx.github,
        pipelineUploads: backend.pipelineUploads,
      });
  const prepared: PreparedRelease = { plan, config, bucket, backend, steps, artifacts: art.artifacts, outputsDir: art.outputsDir, gitUrl: f.gitUrl };
  if (!v.noChange) await planSteps(ctx, prepared, art);
  return prepared;
}

/** Inspects the steps, then decides whether the pipeline runs and whether anything is pending. */
async function planSteps(ctx: ReleaseContext, p: PreparedRelease, art: ArtifactPlan): Promise<void> {
  const { plan, backend, config } = p;
  const input: Omit<BackendInput, 'out'> = { plan, git: ctx.git, config, bucket: p.bucket, gitUrl: p.gitUrl };
  const pipelineStep: PlanStep = { id: 'pipeline', kind: 'pipeline', target: `${backend.name} backend`, action: 'skip', detail: backend.describe(input) };
  plan.steps.push(pipelineStep);
  await inspectSteps(plan, p.steps);
  const ran = pipelineRan(await readJournal(ctx.root, config.project, plan.version), plan.commit);
  const needsOutputs = !backend.pipelineUploads && plan.pipeline.found && art.pipelineNames.length > 0;
  const outputsMissing = needsOutputs && (await Promise.all(art.artifacts.filter((a) => a.builtBy === 'pipeline').map((a) => a.files().catch(() => undefined)))).some((x) => x === undefined);
  plan.steps[0] = decidePipelineStep(plan, pipelineStep, { pipelineName: config.pipeline, pipelineUploads: backend.pipelineUploads, pipelineFound: plan.pipeline.found, ran, outputsMissing });
  plan.pending = plan.steps.some((s) => s.action !== 'skip' && !skippedOffline(plan, s));
}
