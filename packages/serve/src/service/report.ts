/**
 * Status on the pull request, through @plumbing/pr's reports (one home for statuses, check runs
 * and crier's failure comment): a stored run becomes pr's RunFacts (tasks from the store, the
 * tail of the failing step's log), then a commit status (token), a check run (GitHub App: the
 * task table, the failing step's last lines redacted, `plumbing check` findings as annotations),
 * or a log line when the service has no GitHub access.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyCheckRun,
  applyFailureComment,
  applyStatus,
  type CheckFinding,
  checkRunPayload,
  commitStatus,
  parseCheckFindings,
  type PrPolicy,
  type RunFacts as PrRunFacts,
  type TaskFacts,
} from '@plumbing/pr';
import { isMap } from '@plumbing/model';
import type { RunRow, StepRow, Store, TaskRunRow } from '../store/store.js';
import type { ServeSettings } from './config.js';
import type { GitHubAccess } from './github-access.js';

export interface ReportContext {
  store: Store;
  settings: ServeSettings;
  root: string;
  access: GitHubAccess | undefined;
  log: (line: string) => void;
  /** Every secret value the service holds (reports are redacted with them). */
  secretValues: () => string[];
  /** The policy for a repository's owner (an unset org means the owner). */
  policyFor: (repository: string) => PrPolicy;
}

const TAIL_BYTES = 64 * 1024;

/** The end of a file (enough for the last lines of a log), or undefined when it cannot be read. */
export function readTail(file: string, bytes = TAIL_BYTES): string | undefined {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const len = Math.min(size, bytes);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

const ms = (a: string | null, b: string | null) => (a && b ? Math.max(0, Date.parse(b) - Date.parse(a)) : undefined);

/** A run ended because the service running it went away: its running tasks were interrupted, not failed (the status says why). */
const INTERRUPTED = new Set(['ServiceRestarted', 'ServiceLost']);

function taskState(t: TaskRunRow, run: RunRow): TaskFacts['state'] {
  if (t.state === 'succeeded') return 'succeeded';
  if (t.state === 'running') return run.state === 'cancelled' || INTERRUPTED.has(run.reason ?? '') ? 'cancelled' : run.state === 'running' ? 'running' : 'failed';
  if (t.state === 'failed' && run.state === 'cancelled') return 'cancelled';
  if (t.state === 'failed' && /timeout|timed out/i.test(run.reason ?? '')) return 'timed-out';
  return t.state === 'failed' ? 'failed' : 'pending';
}

/** The pipeline's finally task names, when the run's spec or status carries the pipeline spec. */
function finallyNames(run: RunRow): Set<string> {
  const spec = isMap(run.status) && isMap(run.status.pipelineSpec) ? run.status.pipelineSpec : isMap(run.resource.spec) && isMap(run.resource.spec.pipelineSpec) ? run.resource.spec.pipelineSpec : {};
  return new Set((Array.isArray(spec.finally) ? spec.finally : []).filter(isMap).map((t) => String(t.name)));
}

/** A stored run's tasks: its TaskRuns (one per pipeline task) and the tasks Tekton skipped. */
export function taskFacts(run: RunRow, taskRuns: readonly TaskRunRow[], steps: readonly StepRow[]): TaskFacts[] {
  const fin = finallyNames(run);
  const out: TaskFacts[] = taskRuns.map((t) => {
    const name = t.pipelineTask ?? t.name;
    const failedStep = steps.find((s) => s.taskRun === t.name && s.state === 'failed')?.name;
    const d = ms(t.started, t.finished);
    return { name, state: taskState(t, run), ...(d === undefined ? {} : { durationMs: d }), ...(failedStep ? { failedStep } : {}), ...(fin.has(name) ? { finally: true } : {}) };
  });
  const skipped = isMap(run.status) && Array.isArray(run.status.skippedTasks) ? run.status.skippedTasks.filter(isMap) : [];
  for (const s of skipped) {
    const name = String(s.name);
    if (!out.some((t) => t.name === name)) out.push({ name, state: 'skipped', skipReason: String(s.reason ?? ''), ...(fin.has(name) ? { finally: true } : {}) });
  }
  return out;
}

export function runUrl(settings: ServeSettings, name: string): string {
  return `${settings.publicUrl.replace(/\/$/, '')}/runs/${name}`;
}

/** @plumbing/pr's facts of a stored run. */
export async function prRunFacts(store: Store, root: string, settings: ServeSettings, run: RunRow): Promise<PrRunFacts> {
  // A queued run has no TaskRuns yet: its pending status needs no query (it is the latency that counts).
  const [taskRuns, steps] = run.state === 'queued' ? [[], []] : await Promise.all([store.taskRunsOf(run.name), store.stepsOf(run.name)]);
  const tasks = taskFacts(run, taskRuns, steps);
  const failedStep = steps.find((s) => s.state === 'failed');
  const failingLog = run.state === 'failed' && failedStep ? readTail(join(root, failedStep.logPath)) : undefined;
  const d = ms(run.started, run.finished);
  return {
    name: run.name, job: run.job, sha: run.sha ?? '', state: run.state, url: runUrl(settings, run.name), tasks,
    ...(run.message ? { message: run.message } : {}), ...(run.state === 'queued' && run.heldBy ? { heldBy: run.heldBy } : {}), ...(d === undefined ? {} : { durationMs: d }), ...(failingLog === undefined ? {} : { failingLog }),
  };
}

/** `plumbing check --format json` findings from the run's check step logs (none when there is no such step or it printed no JSON array). */
export async function checkFindings(store: Store, root: string, settings: ServeSettings, run: RunRow): Promise<CheckFinding[]> {
  const out: CheckFinding[] = [];
  for (const s of (await store.stepsOf(run.name)).filter((x) => x.name === settings.checkFindingsStep && x.state !== 'running')) {
    const text = readTail(join(root, s.logPath), 8 * 1024 * 1024)?.trim() ?? '';
    const start = text.indexOf('[');
    if (start < 0) continue;
    try {
      out.push(...parseCheckFindings(text.slice(start)));
    } catch {
      // Not the JSON of plumbing check (the step printed something else): no annotations from it.
    }
  }
  return out;
}

async function sendCheckRun(ctx: ReportContext, run: RunRow, facts: PrRunFacts, policy: PrPolicy): Promise<void> {
  const gh = await ctx.access!.forRepository(run.repository!);
  const findings = run.state === 'queued' || run.state === 'running' ? [] : await checkFindings(ctx.store, ctx.root, ctx.settings, run);
  const existing = (await ctx.store.getRun(run.name))?.checkRunId ?? undefined;
  const id = await applyCheckRun(gh.repo(run.repository!), checkRunPayload(facts, policy, findings, ctx.secretValues()), existing);
  if (id !== existing) await ctx.store.updateRun(run.name, { checkRunId: id });
}

/** Crier's one failure comment on the pull request, once a run of it has finished. */
async function sendFailureComment(ctx: ReportContext, run: RunRow, policy: PrPolicy): Promise<void> {
  if (run.pullRequest === null || !['succeeded', 'failed'].includes(run.state)) return;
  const rows = (await ctx.store.listRuns({ repository: run.repository!, pullRequest: run.pullRequest, includePrivate: true }, 200)).items.reverse();
  // Nothing of this pull request ever failed: there is no failure comment to post or to edit (no GitHub call).
  if (!rows.some((r) => r.state === 'failed')) return;
  const repo = (await ctx.access!.forRepository(run.repository!)).repo(run.repository!);
  const pull = await repo.getPull(run.pullRequest);
  if (!pull) return;
  const facts = await Promise.all(rows.filter((r) => r.kind === 'pull-request' || r.kind === 'comment').map((r) => prRunFacts(ctx.store, ctx.root, ctx.settings, r)));
  await applyFailureComment(repo, run.pullRequest, facts, pull.author, policy.bot);
}

/** Reports a run on its commit; failures are logged, never thrown (the run goes on). */
export async function reportRun(ctx: ReportContext, run: RunRow): Promise<void> {
  if (!run.repository || !run.sha) return;
  try {
    const policy = ctx.policyFor(run.repository);
    const facts = await prRunFacts(ctx.store, ctx.root, ctx.settings, run);
    if (!ctx.access) {
      const s = commitStatus(facts, policy);
      ctx.log(`status ${run.repository}@${run.sha.slice(0, 12)} ${s.context}: ${s.state} ${s.description} ${s.targetUrl}`);
      return;
    }
    if (ctx.access.mode === 'checks') await sendCheckRun(ctx, run, facts, policy);
    else await applyStatus((await ctx.access.forRepository(run.repository)).repo(run.repository), commitStatus(facts, policy));
    if (run.kind === 'pull-request' || run.kind === 'comment') await sendFailureComment(ctx, run, policy);
  } catch (e) {
    ctx.log(`status for ${run.name} on ${run.repository}@${run.sha.slice(0, 12)} not reported: ${e instanceof Error ? e.message : String(e)}`);
  }
}
