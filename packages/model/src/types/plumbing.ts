import type { Resource } from './meta.js';

/** Where a repository path deploys. */
export interface ClusterSource {
  /** Repository-relative directory or file. */
  path: string;
  /** Namespace for namespaced objects that name none. */
  namespace?: string;
  /** For a catalog directory: deploy every version (`all`) or only the newest of each task (`latest`, default). */
  versions?: 'all' | 'latest';
  /** Kinds to leave out (e.g. TaskRun, PipelineRun from tests/ folders are always left out). */
  excludeKinds?: string[];
}

export interface HealthCheck {
  kind: string;
  name: string;
  namespace?: string;
  /** Seconds to wait for the object to become healthy (default 120). */
  timeoutSeconds?: number;
}

export type PostDeployTest =
  /** A server-side dry-run create of every Run that the TriggerTemplates would create. */
  | { name: string; type: 'dryRunTriggerTemplates' }
  /** A server-side dry-run create of the runs in a file. */
  | { name: string; type: 'dryRunFile'; file: string }
  /** Create a PipelineRun from a file and wait for it to succeed. */
  | { name: string; type: 'pipelineRun'; file: string; timeoutSeconds?: number };

export interface PrunePolicy {
  /** Prune at all (default true). */
  enabled?: boolean;
  /** Opt in to pruning these protected kinds. */
  allowNamespaces?: boolean;
  allowCRDs?: boolean;
  allowPVCs?: boolean;
}

export interface Notification {
  /** POST a JSON body to this URL on failure. */
  webhook?: string;
  /** Open (or comment) a GitHub issue on failure. */
  githubIssue?: { repository: string; labels?: string[] };
  /** Set a commit status on the deployed commit. */
  githubStatus?: { repository: string; context?: string };
}

export interface ClusterSpec {
  /** The kube context to deploy to; omitted with `inCluster: true`. */
  context?: string;
  inCluster?: boolean;
  /** Namespace holding the deploy's own state: inventory, history, lease (default `plumbing-system`). */
  stateNamespace?: string;
  sources: ClusterSource[];
  healthChecks?: HealthCheck[];
  postDeployTests?: PostDeployTest[];
  prune?: PrunePolicy;
  /** Cron schedule of the hourly deploy (`plumbing schedule` and the in-cluster CronJob). */
  schedule?: string;
  /** How many successful deploys to keep (default 10). */
  historyLimit?: number;
  /** Seconds a deploy lease is held without renewal before another deploy may take it (default 300). */
  leaseSeconds?: number;
  notify?: Notification;
  /** Settings of `plumbing serve` for this cluster (docs/serve.md). */
  serve?: ServeConfig;
}

/** `spec.serve` of a Cluster: every field optional. */
export interface ServeConfig {
  /** Base of the run links in commit statuses: `<publicUrl>/runs/<name>`. */
  publicUrl?: string;
  org?: string;
  trustedTeams?: string[];
  /** Runs of these repositories ("owner/name") are not shown without the API token. */
  privateRepositories?: string[];
  concurrency?: { global?: number; perRepository?: number };
  /** How long a run may wait in the queue before it fails (default 1440). */
  queueTimeoutMinutes?: number;
  /** Replicas sharing PostgreSQL: a running run's lease; past it without renewal another replica takes the run over (default 30). */
  leaseSeconds?: number;
  /** How often the stored open pull requests are reconciled with GitHub's open ones (default 10; also at start). */
  reconcileMinutes?: number;
  /** Commit status context prefix (default `plumbing`): `<statusContext>/<job>`. */
  statusContext?: string;
  githubTokenSecret?: { secretName: string; secretKey: string };
  apiTokenSecret?: { secretName: string; secretKey: string };
  githubApiUrl?: string;
  /** Check runs as a GitHub App instead of commit statuses with a token. */
  githubApp?: { appId: number; privateKeySecret: { secretName: string; secretKey: string }; installationId?: number };
  /** The pull-request policy (@plumbing/pr PrPolicy): trust, comment command roles, image builds. */
  trustedOrg?: string;
  onlyOrgMembers?: boolean;
  trustedApps?: string[];
  owners?: boolean;
  okToTest?: 'per-push' | 'once';
  drafts?: 'skip' | 'run';
  bot?: string;
  commands?: Record<string, string[]>;
  defaultRoles?: string[];
  ignoredCommands?: string[];
  images?: { dir?: string; tagPattern?: string; registry?: string; pipeline?: string };
  /** The step whose log is `plumbing check --format json` (its findings become check-run annotations; default plumbing-check). */
  checkFindingsStep?: string;
  /** When a periodic job or a default-branch run fails or recovers. */
  notify?: { githubIssue?: { repository: string; labels?: string[] }; slackWebhookSecret?: { secretName: string; secretKey: string } };
  /** Old runs deleted (never a running one, never a job's last run), their logs copied to the bucket first. */
  retention?: { maxAgeDays?: number; maxRunsPerJob?: number; bucket?: string; intervalMinutes?: number };
}

export type ClusterConfig = Resource<'plumbing.dev/v1alpha1', 'Cluster', ClusterSpec>;
