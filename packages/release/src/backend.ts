import type { Bucket } from './bucket.js';
import type { Git } from './git.js';
import type { ReleaseProjectConfig } from './config.js';
import type { ReleasePlan } from './plan.js';

/**
 * The release pipeline's parameters (the contract with pipelines/<spec.pipeline>, docs/release.md).
 * Names are kebab-case, as Tekton params usually are.
 */
export function pipelineParams(plan: ReleasePlan, config: ReleaseProjectConfig, gitUrl: string, upload = true): Record<string, string> {
  const all: Record<string, string> = {
    project: plan.project,
    'release-kind': plan.kind,
    version: plan.version,
    'previous-version': plan.previousVersion ?? '',
    commit: plan.commit,
    'git-url': gitUrl,
    repository: `${config.owner}/${config.repo}`,
    bucket: config.bucket,
    'bucket-prefix': plan.bucketPrefix,
    'image-registry': config.imageRegistry,
    upload: upload ? 'true' : 'false',
    // Whether the pipeline may point the bucket's latest/ at this version (never for an older line or a draft).
    latest: plan.makeLatest === 'true' && plan.publish ? 'true' : 'false',
  };
  // Only the params the pipeline declares (when it is known): Tekton refuses undeclared ones in some versions.
  if (!plan.pipeline?.found) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => plan.pipeline.params.includes(k)));
}

export interface BackendInput {
  plan: ReleasePlan;
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

/** The local backend without an executor: the converge steps do the bucket upload and the GitHub release themselves. */
export const localBackend: ReleaseBackend = {
  name: 'local',
  pipelineUploads: false,
  describe: ({ plan, config }) =>
    plan.pipeline?.found ? `the ${config.pipeline} pipeline is not run: no executor in this backend` : `no ${config.pipeline} pipeline in the repository at ${plan.commit.slice(0, 7)}: the steps below build and publish in TypeScript`,
  runPipeline: async ({ config }) => ({ status: 'skipped', detail: `local backend: ${config.pipeline} pipeline not run` }),
};
