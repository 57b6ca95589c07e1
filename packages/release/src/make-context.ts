import { createGitHub } from '@plumbing/github';
import { connectPipelineRunApi, currentContext } from '@plumbing/kube';
import { clusterBackend } from './cluster-backend.js';
import { executorBackend } from './executor-backend.js';
import { listReleaseProjects, loadReleaseConfig, type ReleaseProjectConfig } from './config.js';
import { Git } from '@plumbing/git';
import { applyRelease } from './apply.js';
import { prepareRelease } from './plan.js';
import type { ReleaseContext } from './types.js';

export interface ContextOptions {
  root: string;
  env: Record<string, string | undefined>;
  project?: string | undefined;
  out: (line: string) => void;
  signal?: AbortSignal | undefined;
  /** Do not read GitHub even with GITHUB_TOKEN set. */
  offline?: boolean | undefined;
  context?: string | undefined;
  inCluster?: boolean | undefined;
  namespace?: string | undefined;
  /** Cluster backend: the Secrets bound as the pipeline's github-token and bucket-credentials workspaces. */
  githubTokenSecret?: string | undefined;
  bucketCredentialsSecret?: string | undefined;
}

/** The release context from the environment: GITHUB_TOKEN / GITHUB_API_URL, kubeconfig, the real ports. */
export function makeReleaseContext(o: ContextOptions): { ctx: ReleaseContext; config: ReleaseProjectConfig } {
  const config = loadReleaseConfig(o.root, o.project);
  const token = o.offline ? undefined : o.env.GITHUB_TOKEN || undefined;
  const github = token ? createGitHub({ auth: { token }, baseUrl: o.env.GITHUB_API_URL }).repo(`${config.owner}/${config.repo}`) : undefined;
  const target = config.targets.find((t) => (o.inCluster ? t.inCluster : t.context !== undefined && t.context === o.context));
  const namespace = o.namespace ?? target?.namespace ?? 'tekton-ci';
  const ctx: ReleaseContext = {
    root: o.root,
    git: new Git(o.root),
    github,
    now: () => new Date(),
    out: o.out,
    currentKubeContext: () => currentContext(),
    backends: {
      local: executorBackend(),
      // The Kubernetes client connects on first use: a plan or a refused release never reads kubeconfig.
      cluster: clusterBackend({ api: connectPipelineRunApi({ context: o.context, inCluster: o.inCluster }), namespace, githubTokenSecret: o.githubTokenSecret, bucketCredentialsSecret: o.bucketCredentialsSecret }),
    },
    signal: o.signal,
    secrets: token ? [token] : [],
  };
  return { ctx, config };
}

/**
 * One job per project with a nightly schedule, shaped like @plumbing/deploy's ScheduledJob
 * ({ name, schedule, timezone, run(signal) }) so that `plumbing schedule` registers them in its
 * JobRegistry without this package depending on deploy. Each tick runs `plumbing release nightly`.
 */
export function nightlyReleaseJobs(
  root: string,
  o: {
    env: Record<string, string | undefined>;
    log: (line: string) => void;
    backend?: 'local' | 'cluster';
    inCluster?: boolean;
    context?: string;
    /** After a tick that released (not a no-change tick): `plumbing serve` starts the config's postReleaseTests. */
    onReleased?: (r: { project: string; version: string; commit: string; bucketPrefix: string }) => void;
  },
) {
  return listReleaseProjects(root).flatMap((project) => {
    const schedule = loadReleaseConfig(root, project).nightly.schedule;
    if (!schedule) return [];
    return [
      {
        name: `nightly-release-${project}`,
        schedule,
        timezone: 'Etc/UTC',
        async run(signal: AbortSignal): Promise<string> {
          const { ctx } = makeReleaseContext({ root, env: o.env, project, out: (l) => o.log(`nightly-release-${project}: ${l}`), signal, inCluster: o.inCluster, context: o.context });
          const prepared = await prepareRelease(ctx, { kind: 'nightly', project, backend: o.backend, inCluster: o.inCluster, context: o.context });
          const outcome = await applyRelease(ctx, prepared);
          if (outcome.status === 'released') o.onReleased?.({ project, version: outcome.version, commit: prepared.plan.commit, bucketPrefix: prepared.plan.bucketPrefix });
          return `${outcome.status} ${outcome.version}`;
        },
      },
    ];
  });
}
