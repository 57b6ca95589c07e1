// The release's shared types: what is asked, the outside world, the plan, the backends. Types only,
// so that every module can use them without importing another module's code (no import cycles).
import type { Git } from '@plumbing/git';
import type { Bucket } from '@plumbing/storage';
import type { ReleaseProjectConfig } from './config.js';
import type { GitHubRepo } from '@plumbing/github';

export type ReleaseKind = 'nightly' | 'full';

/** What the maintainer asked for (the command line). */
export interface ReleaseRequest {
  kind: ReleaseKind;
  project?: string | undefined;
  /** Full releases: the version (vX.Y.Z). */
  version?: string | undefined;
  /** The commit to release (default HEAD). */
  commit?: string | undefined;
  backend?: 'local' | 'cluster' | undefined;
  /** Cluster backend: the kube context, or the cluster the process runs in. */
  context?: string | undefined;
  inCluster?: boolean | undefined;
  namespace?: string | undefined;
  /** When given, must be the configured bucket / image registry (a guard, never an override). */
  bucket?: string | undefined;
  imageRegistry?: string | undefined;
  /** Full releases: publish the draft (default: leave it for review). Nightlies are always published as prereleases. */
  publish?: boolean | undefined;
  /** Local backend: run the repository's tests in the release pipeline (run-tests "true"); the cluster always does. */
  withTests?: boolean | undefined;
}

/** The outside world of a release: ports and clock, owned by tests. */
export interface ReleaseContext {
  root: string;
  git: Git;
  /** Undefined when there is no token: the plan says what GitHub steps would do. */
  github: GitHubRepo | undefined;
  /** Opens the configured bucket (tests may point it elsewhere). */
  openBucket?: ((url: string) => Bucket) | undefined;
  now: () => Date;
  /** Progress lines; they also go to the release log. */
  out: (line: string) => void;
  /** The current kube context (kubeconfig), for the cluster target check. */
  currentKubeContext?: (() => string | undefined) | undefined;
  /** Backends by name (the CLI passes the real ones; tests replace the cluster one). */
  backends?: Partial<Record<'local' | 'cluster', ReleaseBackend>> | undefined;
  signal?: AbortSignal | undefined;
  /** Secrets to keep out of logs and errors. */
  secrets?: readonly string[] | undefined;
}

/** A pre-release check: pass, fail (the reason and the way forward) or skip (could not be run here, and why). */
export interface PlanCheck {
  id: string;
  status: 'pass' | 'fail' | 'skip';
  reason: string;
  hint?: string;
}

/** The release pipeline as found at the commit. */
export interface PipelineInfo {
  name: string;
  found: boolean;
  file: string | null;
  params: string[];
  workspaces: string[];
}

export type StepKind = 'pipeline' | 'bucket' | 'tag' | 'release' | 'asset' | 'publish' | 'latest';

/** create/update/replace: changes; skip: there and verified; unknown: not readable from here (offline). */
export type StepAction = 'create' | 'update' | 'replace' | 'skip' | 'run' | 'unknown';

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

export interface BackendInput {
  plan: ReleasePlan;
  /** Where the local backend keeps the pipeline's release/ outputs for the converge steps (the cluster's go to the bucket). */
  outputsDir?: string | undefined;
  git: Git;
  config: ReleaseProjectConfig;
  bucket: Bucket;
  gitUrl: string;
  out: (line: string) => void;
  signal?: AbortSignal | undefined;
}

export interface BackendResult {
  status: 'done' | 'skipped';
  detail: string;
}

/**
 * Where the release pipeline runs. `local` publishes in TypeScript (the converge steps) and runs
 * no pipeline yet; `cluster` creates the PipelineRun on the allowed cluster and follows it.
 */
export interface ReleaseBackend {
  readonly name: 'local' | 'cluster';
  /** Whether the bucket uploads of the artifacts are done by the pipeline (cluster) or by the converge steps (local). */
  readonly pipelineUploads: boolean;
  /** What the pipeline step will do, for the plan. */
  describe(input: Omit<BackendInput, 'out'>): string;
  runPipeline(input: BackendInput): Promise<BackendResult>;
}
