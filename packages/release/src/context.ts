import type { Bucket } from './bucket.js';
import type { Git } from './git.js';
import type { GitHubRepo } from '@plumbing/github';
import type { ReleaseBackend } from './backend.js';

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
