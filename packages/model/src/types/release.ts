import type { Resource } from './meta.js';

/**
 * A place the release may run from: a kube context (`--context`) or the cluster the release
 * runs in (`--in-cluster`), and the namespace of its PipelineRun.
 */
export interface ReleaseTarget {
  /** The cluster's name (clusters/<name>/). */
  name: string;
  /** The kube context that reaches it; `plumbing release --context` must name one of these. */
  context?: string;
  /** The release may run from inside this cluster (the nightly CronJob). */
  inCluster?: boolean;
  /** Namespace of the release PipelineRun (default tekton-ci). */
  namespace?: string;
}

export interface ReleaseNightly {
  /** Cron schedule (UTC) of the nightly release; the `nightly-release` CronJob must match it. */
  schedule: string;
  /**
   * Version template. Placeholders: {next} (next minor X.Y.0 after the newest published
   * release), {date} (YYYYMMDD, UTC), {time} (HHMMSS), {sha7}, {sha}. Must keep {date} and a sha.
   * Default `v{next}-nightly.{date}+{sha7}`.
   */
  version?: string;
  /** The branch nightlies are cut from (default: spec.defaultBranch). */
  branch?: string;
}

/**
 * A file published with the release (bucket and GitHub asset). Without `paths` (the default for a
 * project with a release pipeline): a build output of the release pipeline (its `release/`
 * directory); `name` may hold one `*` (`*.tgz`: every packed package). With `paths`: built by
 * `plumbing release` itself, the YAML files under `paths` at the commit joined by `---` (a
 * project without a pipeline build; local backend only).
 */
export interface ReleaseArtifact {
  name: string;
  /** Repository-relative directories or files (tool-built artifacts only). */
  paths?: string[];
}

export interface ReleaseSpec {
  /** The project released (equals the file name releases/<project>.yaml). */
  project: string;
  /** Name of the release Pipeline in this repository. */
  pipeline: string;
  /** Where artifacts, logs and the journal go: file://, s3:// or gs://. */
  bucket: string;
  /** The image registry the release pushes to (e.g. ghcr.io/plumbing-dev). */
  imageRegistry: string;
  /** GitHub owner/name. */
  repository: string;
  /** The git remote that must hold the commit (default origin). */
  remote?: string;
  /** The default branch (default main). */
  defaultBranch?: string;
  /** Release branch pattern; `*` stands for the line, e.g. release-v* → release-v0.3.x. */
  releaseBranches: string;
  /** Where the release may run. */
  targets?: ReleaseTarget[];
  nightly?: ReleaseNightly;
  /** Repository path of the notes template. */
  notes?: string;
  artifacts?: ReleaseArtifact[];
  /** Labels of the failure issue (default [release-failure]). */
  failureLabels?: string[];
  /** Required CI contexts / check names (default: every status and check run on the commit). */
  requiredChecks?: string[];
}

export type ReleaseConfig = Resource<'plumbing.dev/v1alpha1', 'Release', ReleaseSpec>;
