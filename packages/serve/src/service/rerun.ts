/**
 * Reruns: the whole run again, or only what failed (`failedOnly`: the failed tasks and those the
 * failure stopped, reusing the results and workspaces of the tasks that succeeded — the
 * executor's retry of a recorded PipelineRun). One function for the API's
 * `POST /api/v1/runs/{name}/rerun`, `/retest` and the dashboard's "rerun failed only".
 */
import { generateName } from '@plumbing/executor';
import { isMap, PlumbingError } from '@plumbing/model';
import { planRetry, type RunFacts as PrRunFacts } from '@plumbing/pr';
import type { RunRow, Store } from '../store/store.js';
import { withoutSecrets } from './intake.js';

export interface RerunOptions {
  /** Rerun only what failed, reusing what succeeded (a PipelineRun that failed or was cancelled). */
  failedOnly?: boolean;
  /** Who asked (the API, a commenter); default `api`. */
  actor?: string;
  /** Bind secrets (default: as the run did). */
  bindSecrets?: boolean;
}

export interface RerunHost {
  store: Store;
  /** The backend can rerun only what failed (the executor's retry, the cluster's retry PipelineRun). */
  canRetryFailed: boolean;
  prRunFacts(run: RunRow): Promise<PrRunFacts>;
  submit(run: RunRow): Promise<void>;
}

async function failedOnlyPlan(host: RerunHost, run: RunRow, opts: RerunOptions): Promise<string> {
  if (run.resourceKind !== 'PipelineRun') throw new PlumbingError('SERVE_RERUN', `run "${run.name}" is a ${run.resourceKind}: only a PipelineRun's failed tasks can be rerun alone`, { exitCode: 2 });
  if (run.state !== 'failed' && run.state !== 'cancelled') throw new PlumbingError('SERVE_RERUN', `run "${run.name}" is ${run.state}: only a failed or cancelled run has failed tasks to rerun`, { exitCode: 2 });
  if (!host.canRetryFailed) {
    throw new PlumbingError('SERVE_RETRY_UNAVAILABLE', `rerunning only the failed tasks of "${run.name}" needs a backend that can retry (the embedded executor's retry of a recorded run, or the cluster's retry PipelineRun); this one cannot: rerun the whole run instead`, { exitCode: 2 });
  }
  if (opts.bindSecrets === false && run.bindSecrets !== false) {
    throw new PlumbingError('SERVE_RERUN', `run "${run.name}" ran with secrets and its retry reuses its record: it cannot be retried without them; a trusted user's /ok-to-test on the commit makes it retryable`, { exitCode: 2 });
  }
  const plan = planRetry(await host.prRunFacts(run));
  return `rerun of the failed tasks of ${run.name}: ${plan.rerunTasks.join(', ') || 'none'} run again${plan.reuseTasks.length ? `, ${plan.reuseTasks.join(', ')} reused` : ''}`;
}

/** Queues a rerun of a stored run; returns the new run (queued). */
export async function rerunRun(host: RerunHost, name: string, opts: RerunOptions = {}): Promise<RunRow> {
  const run = await host.store.getRun(name);
  if (!run) throw new PlumbingError('SERVE_NOT_FOUND', `run "${name}" not found`, { exitCode: 2 });
  if (run.resourceKind === 'Job') throw new PlumbingError('SERVE_RERUN', `run "${name}" is a periodic job's tick: it runs again at its next tick`, { exitCode: 2 });
  const message = opts.failedOnly ? await failedOnlyPlan(host, run, opts) : `rerun of ${run.name}`;
  const meta = isMap(run.resource.metadata) ? run.resource.metadata : {};
  const prefix = typeof meta.generateName === 'string' ? meta.generateName : `${run.job}-`;
  for (;;) {
    const again = generateName(prefix);
    const bindSecrets = opts.bindSecrets ?? run.bindSecrets ?? true;
    const resource = { ...run.resource, metadata: { ...meta, name: again } };
    const row: RunRow = {
      ...run, name: again, state: 'queued', reason: 'Pending', message, created: new Date().toISOString(), started: null, finished: null, owner: null, recordDir: null, status: null,
      actor: opts.actor ?? 'api', resource: bindSecrets ? resource : withoutSecrets(resource), checkRunId: null, retryOf: opts.failedOnly ? run.name : null, bindSecrets,
    };
    if (await host.store.insertRun(row)) {
      await host.submit(row);
      return row;
    }
  }
}
