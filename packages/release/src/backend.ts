import type { ReleaseBackend, ReleasePlan } from './types.js';
import type { ReleaseProjectConfig } from './config.js';

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
    // A file:// bucket reaches the pipeline as its `bucket` workspace (the backends bind it to the
    // bucket's directory): publish-to-bucket reads file:///a/b as the directory a/b of that
    // workspace, so the bucket itself is file:///. gs:// and s3:// go as they are.
    bucket: config.bucket.startsWith('file://') ? 'file:///' : config.bucket,
    'bucket-prefix': plan.bucketPrefix,
    'image-registry': config.imageRegistry,
    upload: upload ? 'true' : 'false',
    // The repository's own tests: always on the cluster; locally only when asked (--with-tests).
    'run-tests': upload || plan.runTests ? 'true' : 'false',
    // Whether the pipeline may point the bucket's latest/ at this version (never for an older line or a draft).
    latest: plan.makeLatest === 'true' && plan.publish ? 'true' : 'false',
  };
  // The one artifact list (spec.artifacts): the pipeline builds exactly these into release/ and refuses anything else.
  const outputs = (config.artifacts ?? []).filter((a) => a.paths === undefined).map((a) => a.name);
  if (outputs.length) all.artifacts = outputs.join(' ');
  // Only the params the pipeline declares (when it is known): Tekton refuses undeclared ones in some versions.
  if (!plan.pipeline?.found) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => plan.pipeline.params.includes(k)));
}

/** Secrets a cluster release binds as workspaces (docs/release.md, "The release pipeline's contract"). */
export const RELEASE_SECRET_DEFAULTS = {
  /** Key `token`: GitHub contents, statuses and issues: write. */
  githubToken: 'plumbing-release-github-token',
  /** The PersistentVolumeClaim of a file:// bucket on the cluster. */
  bucketClaim: 'plumbing-release-bucket',
} as const;

/**
 * The workspace bindings of the release PipelineRun, beyond `source` (which each backend binds
 * itself): only those the pipeline declares.
 * - `bucket`: a file:// bucket's PersistentVolumeClaim (the local backend binds the host
 *   directory itself, relative URLs resolved against the repository root).
 * - `github-token`: the Secret with the token (cluster; the local backend publishes itself).
 * - `bucket-credentials`: the Secret with gs/s3 credentials, when one is named (else the pod's
 *   workload identity is used).
 */
export function pipelineWorkspaces(
  declared: readonly string[],
  bind: { bucketClaim?: string | undefined; githubTokenSecret?: string | undefined; bucketCredentialsSecret?: string | undefined },
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (declared.includes('bucket') && bind.bucketClaim) out.bucket = { persistentVolumeClaim: { claimName: bind.bucketClaim } };
  if (declared.includes('github-token') && bind.githubTokenSecret) out['github-token'] = { secret: { secretName: bind.githubTokenSecret } };
  if (declared.includes('bucket-credentials') && bind.bucketCredentialsSecret) out['bucket-credentials'] = { secret: { secretName: bind.bucketCredentialsSecret } };
  return out;
}




/** The local backend without an executor: the converge steps do the bucket upload and the GitHub release themselves. */
export const localBackend: ReleaseBackend = {
  name: 'local',
  pipelineUploads: false,
  describe: ({ plan, config }) =>
    plan.pipeline?.found ? `the ${config.pipeline} pipeline is not run: no executor in this backend` : `no ${config.pipeline} pipeline in the repository at ${plan.commit.slice(0, 7)}: the steps below build and publish in TypeScript`,
  runPipeline: async ({ config }) => ({ status: 'skipped', detail: `local backend: ${config.pipeline} pipeline not run` }),
};
