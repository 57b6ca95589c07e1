import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Condition, JsonMap } from '@plumbing/model';
import type { PipelineRunStatus, TaskRunStatus } from '../contracts.js';
import { elapsed } from './cli-duration.js';

/** Records live under `<root>/.plumbing/runs/<run-name>/`. */
export const RUNS_DIR = '.plumbing/runs';

export type RunKind = 'TaskRun' | 'PipelineRun';
export type RunStatus = TaskRunStatus | PipelineRunStatus;

/** `run.json`: what ran (the resource as run) and who runs it. `status.json` holds the Tekton-shaped status. */
export interface RunRecordMeta {
  apiVersion: string;
  kind: RunKind;
  metadata: { name: string; namespace: string; uid: string; creationTimestamp: string; labels?: Record<string, string>; annotations?: Record<string, string>; generateName?: string };
  spec: JsonMap;
  plumbing: { pid: number; files: string[]; hostDirs: Record<string, string> };
}

export function runsRoot(root: string): string {
  return join(root, RUNS_DIR);
}

export function runDirOf(root: string, name: string): string {
  return join(runsRoot(root), name);
}

/** Writes JSON via a temp file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

export function writeRunMeta(dir: string, meta: RunRecordMeta): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'run.json'), meta);
}

export function writeRunStatus(dir: string, status: RunStatus): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'status.json'), status);
}

/**
 * Puts a PipelineRun's condition from a `pipelinerun-condition` event into its status in progress
 * (Running, PipelineRunStopping, CancelledRunningFinally, ... then the final one), replacing the
 * previous `Succeeded` condition; `plumbing runs` reads it from `status.json`.
 */
export function applyRunCondition(status: RunStatus, condition: Condition): void {
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
}

/** Writes a condition change into `<dir>/status.json` at once (a condition changes a few times per run). */
export function recordRunCondition(dir: string, status: RunStatus, condition: Condition): void {
  applyRunCondition(status, condition);
  writeRunStatus(dir, status);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface RunRecord {
  dir: string;
  meta: RunRecordMeta | undefined;
  status: RunStatus | undefined;
}

export function readRunRecord(dir: string): RunRecord {
  return { dir, meta: readJson<RunRecordMeta>(join(dir, 'run.json')), status: readJson<RunStatus>(join(dir, 'status.json')) };
}

export function succeededCondition(status: { conditions?: Condition[] } | undefined): Condition | undefined {
  return status?.conditions?.find((c) => c.type === 'Succeeded');
}

/** Is the process that writes this record still there? */
export function processAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A run is in progress while its condition is Unknown and its process is alive. */
export function isInProgress(rec: RunRecord): boolean {
  const c = succeededCondition(rec.status);
  return (c === undefined || c.status === 'Unknown') && processAlive(rec.meta?.plumbing.pid);
}

export interface RunListing {
  name: string;
  kind: RunKind | 'Unknown';
  succeeded: Condition['status'];
  reason: string;
  message: string;
  startTime: string | undefined;
  completionTime: string | undefined;
  durationMs: number | undefined;
  inProgress: boolean;
}

/** Every record, newest first. A run whose process died before it finished shows reason `Interrupted`. */
export function listRunRecords(root: string, now: Date = new Date()): RunListing[] {
  const base = runsRoot(root);
  if (!existsSync(base)) return [];
  const out: RunListing[] = [];
  for (const e of readdirSync(base, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const rec = readRunRecord(join(base, e.name));
    if (!rec.meta && !rec.status) continue;
    const c = succeededCondition(rec.status);
    const live = isInProgress(rec);
    const startTime = rec.status?.startTime ?? rec.meta?.metadata.creationTimestamp;
    const interrupted = !live && (c === undefined || c.status === 'Unknown');
    out.push({
      name: e.name,
      kind: rec.meta?.kind ?? 'Unknown',
      succeeded: c?.status ?? 'Unknown',
      reason: interrupted ? 'Interrupted' : (c?.reason ?? ''),
      message: interrupted ? 'the plumbing process running it exited before it finished' : (c?.message ?? ''),
      startTime,
      completionTime: rec.status?.completionTime,
      durationMs: elapsed(startTime, rec.status?.completionTime ?? (live ? undefined : startTime), now),
      inProgress: live,
    });
  }
  return out.sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? '') || a.name.localeCompare(b.name));
}

/** The `[task/step]` label of a TaskRun: the pipeline task (plus matrix index) inside a PipelineRun, else the TaskRun name. */
export function taskLabel(runName: string, kind: RunKind | 'Unknown', taskRun: string, pipelineTask?: string): string {
  if (kind === 'PipelineRun' && taskRun.startsWith(`${runName}-`)) return taskRun.slice(runName.length + 1);
  return pipelineTask ?? taskRun;
}

export interface StepLogFile {
  taskRun: string;
  label: string;
  step: string;
  file: string;
}

function ctimeOf(f: string): number {
  try {
    const s = statSync(f);
    return s.birthtimeMs || s.ctimeMs;
  } catch {
    return 0;
  }
}

/** The step log files of a record, in run order (children as recorded, steps as declared, else by creation time). */
export function stepLogFiles(rec: RunRecord, name: string): StepLogFile[] {
  if (!existsSync(rec.dir)) return [];
  const kind = rec.meta?.kind ?? 'Unknown';
  const children: string[] = [];
  const ptOf = new Map<string, string>();
  const stepOrder = new Map<string, string[]>();
  if (rec.status && 'childReferences' in rec.status) {
    for (const c of rec.status.childReferences ?? []) {
      children.push(c.name);
      ptOf.set(c.name, c.pipelineTaskName);
    }
    for (const t of rec.status.taskRuns ?? []) stepOrder.set(t.name, (t.status.steps ?? []).map((s) => s.name));
  } else if (rec.status && 'steps' in rec.status) stepOrder.set(name, (rec.status.steps ?? []).map((s) => s.name));
  const dirs = readdirSync(rec.dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'workspaces')
    .map((d) => d.name)
    .sort((a, b) => {
      const ia = children.indexOf(a);
      const ib = children.indexOf(b);
      if (ia >= 0 && ib >= 0) return ia - ib;
      if (ia >= 0 || ib >= 0) return ia >= 0 ? -1 : 1;
      return ctimeOf(join(rec.dir, a)) - ctimeOf(join(rec.dir, b));
    });
  const out: StepLogFile[] = [];
  for (const tr of dirs) {
    const order = stepOrder.get(tr) ?? [];
    const logs = readdirSync(join(rec.dir, tr))
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.slice(0, -4))
      .sort((a, b) => {
        const ia = order.indexOf(a);
        const ib = order.indexOf(b);
        if (ia >= 0 && ib >= 0) return ia - ib;
        if (ia >= 0 || ib >= 0) return ia >= 0 ? -1 : 1;
        return ctimeOf(join(rec.dir, tr, `${a}.log`)) - ctimeOf(join(rec.dir, tr, `${b}.log`));
      });
    const label = taskLabel(name, kind, tr, ptOf.get(tr));
    for (const step of logs) out.push({ taskRun: tr, label, step, file: join(rec.dir, tr, `${step}.log`) });
  }
  return out;
}

export interface LogOptions {
  /** Only the TaskRun whose pipeline task, label or TaskRun name is this. */
  task?: string;
  step?: string;
  /** Keep reading until the run ends. */
  follow?: boolean;
  write: (s: string) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Prints a record's step logs, each line prefixed `[task/step]`; with `follow`, until the run ends. */
export async function printRunLogs(root: string, name: string, opts: LogOptions): Promise<{ found: number }> {
  const dir = runDirOf(root, name);
  const offsets = new Map<string, { offset: number; partial: string }>();
  const match = (f: StepLogFile, rec: RunRecord) => {
    if (opts.step !== undefined && f.step !== opts.step) return false;
    if (opts.task === undefined) return true;
    const pt = rec.status && 'childReferences' in rec.status ? rec.status.childReferences?.find((c) => c.name === f.taskRun)?.pipelineTaskName : undefined;
    return opts.task === f.label || opts.task === f.taskRun || opts.task === pt;
  };
  const pass = (final: boolean): number => {
    const rec = readRunRecord(dir);
    const files = stepLogFiles(rec, name).filter((f) => match(f, rec));
    for (const f of files) {
      const st = offsets.get(f.file) ?? { offset: 0, partial: '' };
      offsets.set(f.file, st);
      const chunk = readFrom(f.file, st.offset);
      st.offset += chunk.length;
      const text = st.partial + chunk.toString('utf8');
      const lines = text.split('\n');
      st.partial = lines.pop() ?? '';
      for (const l of lines) opts.write(`[${f.label}/${f.step}] ${l}\n`);
      if (final && st.partial !== '') {
        opts.write(`[${f.label}/${f.step}] ${st.partial}\n`);
        st.partial = '';
      }
    }
    return files.length;
  };
  if (!opts.follow) return { found: pass(true) };
  for (;;) {
    const live = isInProgress(readRunRecord(dir));
    if (!live || opts.signal?.aborted) return { found: pass(true) };
    pass(false);
    await sleep(opts.pollMs ?? 200, opts.signal);
  }
}

function readFrom(file: string, offset: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
