/**
 * `plumbing run` records of the checkout serve runs from (`.plumbing/runs/<name>/`, written by the
 * executor) brought into the store as runs of kind `local`, with their TaskRuns and step logs, so
 * the runs list shows them next to the service's own. Records of serve's own runs (same name,
 * another kind) are left alone; a record is read again only while its condition changes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listRunRecords, readRunRecord, type RunListing, runDirOf } from '@plumbing/executor';
import type { Core, RunRow, RunState } from '@plumbing/serve';

interface Cond {
  status?: string;
  reason?: string;
}
interface StepJson {
  name: string;
  terminated?: { exitCode: number; startedAt: string; finishedAt: string };
  running?: { startedAt: string };
}
interface TaskJson {
  conditions?: Cond[];
  startTime?: string;
  completionTime?: string;
  steps?: StepJson[];
}

function stateOf(l: Pick<RunListing, 'succeeded' | 'reason' | 'inProgress'>): RunState {
  if (l.inProgress) return 'running';
  if (l.succeeded === 'True') return 'succeeded';
  return /cancel/i.test(l.reason) ? 'cancelled' : 'failed';
}

function taskState(s: TaskJson | undefined): string {
  const c = s?.conditions?.find((x) => (x as { type?: string }).type === 'Succeeded') ?? s?.conditions?.[0];
  if (!c || c.status === 'Unknown') return s?.completionTime ? 'failed' : 'running';
  return c.status === 'True' ? 'succeeded' : /skip/i.test(c.reason ?? '') ? 'skipped' : 'failed';
}

function rowOf(core: Core, l: RunListing): RunRow {
  const rec = readRunRecord(runDirOf(core.root, l.name));
  const meta = rec.meta;
  const labels = meta?.metadata.labels ?? {};
  const job = labels['tekton.dev/pipeline'] ?? labels['tekton.dev/task'] ?? meta?.metadata.generateName?.replace(/-$/, '') ?? l.name;
  const created = meta?.metadata.creationTimestamp ?? l.startTime ?? new Date(0).toISOString();
  return {
    name: l.name, namespace: meta?.metadata.namespace ?? 'default', kind: 'local', resourceKind: l.kind === 'TaskRun' ? 'TaskRun' : 'PipelineRun', job,
    repository: null, pullRequest: null, sha: null, event: null, deliveryId: null, actor: 'plumbing run', triggerName: null, supersedeKey: null, private: false,
    state: stateOf(l), reason: l.reason || null, message: l.message || null, created, started: l.startTime ?? null, finished: l.completionTime ?? null,
    owner: null, recordDir: relative(core.root, rec.dir), resource: meta ? { apiVersion: meta.apiVersion, kind: meta.kind, metadata: meta.metadata, spec: meta.spec } : {},
    status: (rec.status as unknown as Record<string, unknown> | undefined) ?? null,
  };
}

async function importChildren(core: Core, run: RunRow): Promise<void> {
  const dir = join(core.root, run.recordDir ?? '');
  const status = (run.status ?? {}) as { childReferences?: { name: string; pipelineTaskName: string }[]; taskRuns?: { name: string; status: TaskJson }[]; steps?: StepJson[] };
  const byName = new Map((status.taskRuns ?? []).map((t) => [t.name, t.status]));
  if (run.resourceKind === 'TaskRun') byName.set(run.name, status as TaskJson);
  const pt = new Map((status.childReferences ?? []).map((c) => [c.name, c.pipelineTaskName]));
  const trDirs = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'workspaces').map((d) => d.name) : [];
  for (const tr of trDirs) {
    const s = byName.get(tr);
    await core.store.upsertTaskRun({ runName: run.name, name: tr, pipelineTask: pt.get(tr) ?? (tr.startsWith(`${run.name}-`) ? tr.slice(run.name.length + 1) : tr), state: taskState(s), started: s?.startTime ?? null, finished: s?.completionTime ?? null });
    for (const f of readdirSync(join(dir, tr)).filter((x) => x.endsWith('.log'))) {
      const step = f.slice(0, -4);
      const st = s?.steps?.find((x) => x.name === step);
      const exit = st?.terminated?.exitCode ?? null;
      await core.store.upsertStep({
        runName: run.name, taskRun: tr, name: step, state: exit === null ? (run.state === 'running' ? 'running' : 'failed') : exit === 0 ? 'succeeded' : 'failed',
        logPath: join(run.recordDir ?? '', tr, f), exitCode: exit, started: st?.terminated?.startedAt ?? st?.running?.startedAt ?? null, finished: st?.terminated?.finishedAt ?? null,
      });
    }
  }
}

/** Imports new and changed records; `seen` (name → condition fingerprint) is the caller's memory between calls. */
export async function importLocalRuns(core: Core, seen: Map<string, string>): Promise<number> {
  let n = 0;
  for (const l of listRunRecords(core.root)) {
    const print = `${l.succeeded}|${l.reason}|${l.completionTime ?? ''}|${l.inProgress}`;
    if (seen.get(l.name) === print) continue;
    const had = await core.store.getRun(l.name);
    seen.set(l.name, print);
    if (had && had.kind !== 'local') continue;
    const row = rowOf(core, l);
    if (had) await core.store.updateRun(l.name, row);
    else await core.store.insertRun(row);
    await importChildren(core, row);
    core.events.emit('run', row);
    n++;
  }
  return n;
}

/** importLocalRuns at most once per `everyMs`, for the runs page to call on each request. */
export function localRunsSync(everyMs = 2000): (core: Core) => Promise<void> {
  const seen = new Map<string, string>();
  let last = 0;
  let busy: Promise<void> | undefined;
  return (core) => {
    if (busy) return busy;
    if (Date.now() - last < everyMs) return Promise.resolve();
    busy = importLocalRuns(core, seen).then(
      () => {
        last = Date.now();
        busy = undefined;
      },
      (e: unknown) => {
        busy = undefined;
        core.opts.log(`dashboard: reading local run records failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    return busy;
  };
}
