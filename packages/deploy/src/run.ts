import { KubeClient, type KubePort } from '@plumbing/kube';
import { type ClusterConfig, PlumbingError } from '@plumbing/model';
import { type DeployResult, deploy, rollback } from './deploy.js';
import { cloneShallow, Git } from '@plumbing/git';
import { createGitHub } from '@plumbing/github';
import { notifyDeploy } from './notify.js';
import { loadClusterConfig } from './render.js';

export interface ConnectFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  inCluster?: boolean | undefined;
}

export interface RunDeployOptions {
  root: string;
  cluster: string;
  /** Deploy from a shallow clone of this repository at this revision instead of `root`. */
  fromGit?: { url: string; revision: string } | undefined;
  connect?: ConnectFlags;
  mode: 'deploy' | 'dry-run' | 'rollback';
  /** For rollback: the revision to go back to. */
  to?: number | undefined;
  force?: boolean;
  /** Run `plumbing check` over the sources first (default true). */
  check?: boolean;
  waitLockMs?: number;
  concurrency?: number;
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** A port to use instead of connecting (tests, benchmarks). */
  port?: KubePort;
  /** With --from-git: how often to ask the remote for a newer revision while applying and waiting (default 30 s). */
  supersedeCheckMs?: number;
  signal?: AbortSignal;
}

export interface RunDeployResult extends DeployResult {
  /** What was reported, and where (webhook, issue, status). */
  notified: string[];
}

/** Connects as the flags say, else as the cluster config says (its context, or in-cluster). */
export function connectFor(config: ClusterConfig, flags: ConnectFlags = {}): Promise<KubeClient> {
  const inCluster = flags.inCluster ?? (flags.context === undefined && config.spec?.inCluster === true);
  return KubeClient.connect({ kubeconfig: flags.kubeconfig, inCluster, context: inCluster ? undefined : (flags.context ?? config.spec?.context) });
}

function githubFrom(env: NodeJS.ProcessEnv) {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  return token ? createGitHub({ auth: { token }, baseUrl: env.GITHUB_API_URL }) : undefined;
}

/**
 * One deploy as the CLI and the scheduler run it: sources (working tree or a clone of a
 * revision, with its commit), the cluster config, the connection, the deploy or rollback, and
 * the failure report the config asks for.
 */
export async function runClusterDeploy(o: RunDeployOptions): Promise<RunDeployResult> {
  // A newer revision cancels the waits of a deploy from git; the newer one is deployed next (a few times at most).
  for (let attempt = 1; ; attempt++) {
    const r = await runOnce(o);
    if (r.outcome !== 'superseded' || attempt >= 3) return r;
    o.log(`${r.message.split('\n')[0]}; deploying it`);
  }
}

async function runOnce(o: RunDeployOptions): Promise<RunDeployResult> {
  const checkout = o.fromGit ? await cloneShallow(o.fromGit.url, o.fromGit.revision, undefined, 'plumbing-deploy-src-') : undefined;
  try {
    const root = checkout?.root ?? o.root;
    const commit = checkout?.commit ?? (await new Git(root).cleanHead());
    if (checkout) o.log(`cloned ${o.fromGit!.revision} at ${checkout.commit}`);
    const config = loadClusterConfig(root, o.cluster);
    const port = o.port ?? (await connectFor(config, o.connect));
    const newer = o.fromGit && checkout ? { newerRevision: async () => {
      const head = await new Git(process.cwd()).lsRemote(o.fromGit!.url, o.fromGit!.revision);
      return head && head !== checkout.commit ? head : undefined;
    }, ...(o.supersedeCheckMs !== undefined ? { supersedeCheckMs: o.supersedeCheckMs } : {}) } : {};
    const common = { port, root, config, commit, log: o.log, ...newer, ...(o.force ? { force: true } : {}), ...(o.check === false ? { check: false } : {}), ...(o.waitLockMs !== undefined ? { waitLockMs: o.waitLockMs } : {}), ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}), ...(o.signal ? { signal: o.signal } : {}) };
    try {
      let result: DeployResult;
      try {
        result = o.mode === 'rollback' ? await rollback({ ...common, ...(o.to !== undefined ? { to: o.to } : {}) }) : await deploy({ ...common, dryRun: o.mode === 'dry-run' });
      } catch (e) {
        if (o.mode !== 'dry-run' && e instanceof PlumbingError && e.code !== 'DEPLOY_LOCKED' && e.code !== 'DEPLOY_ABORTED' && !o.signal?.aborted) {
          const lines = await notifyDeploy(config.spec?.notify, { cluster: o.cluster, outcome: 'error', hash: '', commit, message: e.message }, { github: githubFrom(o.env) });
          for (const l of lines) o.log(`reported: ${l}`);
        }
        throw e;
      }
      const notified = o.mode === 'dry-run' || result.outcome === 'no-changes' ? [] : await notifyDeploy(config.spec?.notify, result, { github: githubFrom(o.env) });
      for (const l of notified) o.log(`reported: ${l}`);
      return { ...result, notified };
    } finally {
      if (!o.port) port.close();
    }
  } finally {
    await checkout?.cleanup();
  }
}
