import type { Bucket } from './bucket.js';
import type { ReleaseProjectConfig } from './config.js';
import type { ReleasePlan } from './plan.js';

/**
 * The release pipeline's parameters (the contract with pipelines/<spec.pipeline>, docs/release.md).
 * Names are kebab-case, as Tekton params usually are.
 */
export function pipelineParams(plan: ReleasePlan, config: ReleaseProjectConfig, gitUrl: string): Record<string, string> {
  return {
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
  };
}

export interface BackendInput {
  plan: ReleasePlan;
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

/** The local backend: the converge steps do the bucket upload and the GitHub release themselves. */
export const localBackend: ReleaseBackend = {
  name: 'local',
  pipelineUploads: false,
  describe: ({ config }) => `no pipeline run: the local backend publishes in TypeScript (the ${config.pipeline} pipeline on the embedded executor is not wired yet, see docs/release.md)`,
  runPipeline: async ({ config }) => ({ status: 'skipped', detail: `local backend: ${config.pipeline} pipeline not run; artifacts are built from the commit and uploaded by the next steps` }),
};
