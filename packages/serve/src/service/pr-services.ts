/**
 * The service's side of the pull-request policy: the trust gate before a pull_request delivery's
 * runs are stored, the comment commands after an issue_comment delivery, and what those commands
 * do here (runs of the listener's jobs, reruns of what failed, cancels, image builds).
 */
import type { JsonMap } from '@plumbing/model';
import type { PrPolicy, RunFacts as PrRunFacts } from '@plumbing/pr';
import type { DeliveryRow, RunRow, Store } from '../store/store.js';
import type { SecretReader } from '../triggers/cel-env.js';
import type { ResolvedListener } from '../triggers/listener.js';
import { type CommandServices, handleComment } from './commands.js';
import type { ServeSettings } from './config.js';
import type { GitHubAccess } from './github-access.js';
import { type DeliveryPolicy, storeRun } from './intake.js';
import { pullRequestBody, renderPullRequest } from './pr-render.js';
import { runUrl } from './report.js';
import type { RerunOptions } from './rerun.js';
import { admitPullRequest, type TrustCache } from './trust-gate.js';

/** What of the service (its Core) the policy uses. */
export interface PrHost {
  readonly store: Store;
  readonly access: GitHubAccess | undefined;
  readonly secrets: SecretReader;
  readonly runner: { cancel(name: string, reason: string, message: string): Promise<boolean> };
  readonly opts: { settings: ServeSettings; log: (line: string) => void };
  readonly trustCache: TrustCache;
  policyFor(repository: string): PrPolicy;
  listenerList(): ResolvedListener[];
  submit(run: RunRow): Promise<void>;
  rerunRun(name: string, opts?: RerunOptions): Promise<RunRow>;
  hold(repository: string, number: number, by: string): Promise<RunRow[]>;
  unhold(repository: string, number: number, by: string): Promise<RunRow[]>;
  prRunFacts(run: RunRow): Promise<PrRunFacts>;
}

const REQUEST_URL = 'http://localhost/hooks';

function storeCtx(host: PrHost) {
  return { store: host.store, privateRepositories: new Set(host.opts.settings.privateRepositories) };
}

/** The image-build PipelineRun of a `/build-image`: the pipeline the policy names, at the head, its logs link as a param. */
function imageBuildRun(host: PrHost, a: { pipeline: string; params: Record<string, string> }, repository: string, pr: string): JsonMap {
  const token = host.opts.settings.githubToken;
  const params = { ...a.params, ...(host.opts.settings.githubApiUrl ? { 'github-api-url': host.opts.settings.githubApiUrl } : {}) };
  return {
    apiVersion: 'tekton.dev/v1', kind: 'PipelineRun',
    metadata: { generateName: `${a.pipeline}-`, labels: { 'plumbing.dev/pull-request': pr }, annotations: { 'plumbing.dev/repository': repository } },
    spec: {
      pipelineRef: { name: a.pipeline },
      params: Object.entries(params).map(([name, value]) => ({ name, value })),
      workspaces: [{ name: 'source', emptyDir: {} }, token ? { name: 'github-token', secret: { secretName: token.name } } : { name: 'github-token', emptyDir: {} }],
    },
  };
}

function commandServices(host: PrHost): CommandServices {
  const log = host.opts.log;
  const listener = () => host.listenerList()[0];
  return {
    store: host.store, access: host.access, log, policyFor: (r) => host.policyFor(r),
    async pullRequestJobs(_d, body, headSha) {
      const rendered = await renderPullRequest(host.listenerList(), host.secrets, await pullRequestBody(host.store, body, headSha), REQUEST_URL);
      return [...new Set(rendered.map((r) => r.job))];
    },
    async runJobs(d, body, headSha, jobs, bindSecrets, actor) {
      const prBody = await pullRequestBody(host.store, body, headSha);
      const rendered = (await renderPullRequest(host.listenerList(), host.secrets, prBody, REQUEST_URL)).filter((r) => jobs.includes(r.job));
      const runs: RunRow[] = [];
      for (const r of rendered) {
        const run = await storeRun(storeCtx(host), d, r.listener, r.trigger, r.resource, prBody, { bindSecrets, event: 'pull_request', kind: 'comment', actor });
        runs.push(run);
        await host.submit(run);
      }
      return runs;
    },
    retryFailed: (name, actor, bindSecrets) => host.rerunRun(name, { failedOnly: true, actor, bindSecrets }),
    cancel: (name, reason, message) => host.runner.cancel(name, reason, message),
    hold: async (repository, number, by, on) => (on ? host.hold(repository, number, by) : host.unhold(repository, number, by)),
    async buildImage(d, a, actor) {
      const l = listener();
      if (!l) throw new Error('the cluster has no EventListener to record the image build under');
      // Read as a push of the head to the pull request: the run has its commit (and status); a newer /build-image supersedes it.
      const prBody = await pullRequestBody(host.store, JSON.parse(d.body) as unknown, String(a.params.revision));
      const resource = imageBuildRun(host, a, String(a.params['repo-full-name']), String(a.params['pull-request-number']));
      const run = await storeRun(storeCtx(host), d, l, 'build-image', resource, prBody, { bindSecrets: a.bindSecrets, event: 'pull_request', kind: 'comment', actor });
      await host.submit(run);
      return run;
    },
    runUrl: (name) => runUrl(host.opts.settings, name),
    prRunFacts: (run) => host.prRunFacts(run),
  };
}

/** The delivery policy of the service: the trust gate for pull_request, comment commands for issue_comment. */
export function deliveryPolicy(host: PrHost): DeliveryPolicy {
  const gate = { store: host.store, access: host.access, policyFor: (r: string) => host.policyFor(r), cancel: (n: string, r: string, m: string) => host.runner.cancel(n, r, m), log: host.opts.log, trustCache: host.trustCache };
  return {
    async admit(d: DeliveryRow, body: unknown, jobs: string[]) {
      if (d.event === 'pull_request') return admitPullRequest(gate, d, body, jobs);
      // A listener's own issue_comment trigger runs whatever the commenter asked, on code nobody vouched for: no secrets.
      if (d.event === 'issue_comment') return { run: true, bindSecrets: false, reason: 'comment trigger' };
      return { run: true, bindSecrets: true, reason: '' };
    },
    async after(d: DeliveryRow, body: unknown) {
      if (d.event !== 'issue_comment') return;
      try {
        await handleComment(commandServices(host), d, body);
      } catch (e) {
        host.opts.log(`delivery ${d.id}: comment commands failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
