import type { Bucket } from '@plumbing/storage';
import type { ArtifactSource } from '../artifacts.js';
import type { GitHubRepo, ReleaseInfo } from '@plumbing/github';
import type { StepAction, StepKind } from '../types.js';

export interface Inspection {
  action: StepAction;
  detail: string;
}

/** One converge step: read the target state first, then do only what is missing. */
export interface StepDef {
  id: string;
  kind: StepKind;
  target: string;
  inspect(): Promise<Inspection>;
  /** Called only when inspect() asked for a change; returns what was done. */
  apply(): Promise<string>;
}

/** The facts every step is built from (decided by the plan). */
export interface StepsInput {
  version: string;
  commit: string;
  kind: 'nightly' | 'full';
  name: string;
  notes: string;
  makeLatest: 'true' | 'false';
  publish: boolean;
  /** spec.artifacts, each with the files it stands for (the one list: bucket objects and assets). */
  artifacts: ArtifactSource[];
  bucket: Bucket;
  bucketPrefix: string;
  /** Bucket keys (under the bucket) of the `latest/` copies, when this release is the latest. */
  latestPrefix: string | undefined;
  github: GitHubRepo | undefined;
  /** The artifacts are uploaded by the release pipeline (cluster backend): only verify them. */
  pipelineUploads: boolean;
}

/** The GitHub release of the version, read once and shared by the steps of one run. */
export interface ReleaseLookup {
  find(): Promise<ReleaseInfo | undefined>;
  /** What was last read or made, without reading GitHub. */
  current(): ReleaseInfo | undefined;
  /** What the release step saw or made. */
  set(release: ReleaseInfo | undefined): void;
}

/** A registry entry: the steps of one kind for a release (none, one, or one per artifact). */
export type StepFactory = (s: StepsInput, release: ReleaseLookup) => StepDef[];
