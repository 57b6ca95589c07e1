/**
 * End-to-end PipelineRuns with real processes and the real TaskRun engine: every directory
 * under fixtures/pipelineruns holds a `run.yaml` (PipelineRun + Pipeline + Tasks, multi-doc)
 * and an `expected.yaml` (condition, pipeline results, per-pipeline-task status, skipped tasks).
 * Each fixture runs sandboxed (bubblewrap, when available) and unsandboxed unless `modes` narrows it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml, type ParamValue, parseGoDuration, type PipelineRunSpec, type PipelineSpec, type StepActionSpec, type TaskSpec } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { HostWorkspaceBinding, PipelineRunRequest, PipelineRunStatus, RunEvent } from '../src/contracts.js';
import { executePipelineRun } from '../src/pipelinerun/pipeline-run.js';
import { detectSandbox } from '../src/step/sandbox.js';
import { executeTaskRun } from '../src/taskrun/task-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, 'fixtures', 'pipelineruns');

interface Expected {
  succeeded: 'True' | 'False';
  reason: string;
  message?: string;
  /** Pipeline results, exactly (name → value). */
  results?: Record<string, ParamValue>;
  /** Pipeline task → `tasks.<t>.status`-like summary: Succeeded | Failed | Cancelled | None, with the (first) TaskRun reason. */
  tasks?: Record<string, { status: 'Succeeded' | 'Failed' | 'Cancelled' | 'None'; reason?: string; taskRuns?: string[]; retries?: number }>;
  /** status.skippedTasks, exactly (name → reason). */
  skipped?: Record<string, string>;
  /** TaskRun name → text one of its step logs must contain. */
  logContains?: Record<string, string>;
  /** Abort req.signal with this reason once this pipeline task's TaskRun has started a step. */
  cancel?: { afterStepOf: string; reason: string };
  modes?: ('sandbox' | 'host')[];
  /** Child PipelineRun (pipelines in pipelines) name → its condition, and its TaskRuns' condition messages. */
  childPipelineRuns?: Record<string, { reason: string; message: string; taskRunMessages?: Record<string, string> }>;
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

async function loadFixture(dir: string) {
  const docs = loadYaml('run.yaml', await readFile(join(dir, 'run.yaml'), 'utf8')).docs.map((d) => d.value as Doc);
  const expected = loadYaml('expected.yaml', await readFile(join(dir, 'expected.yaml'), 'utf8')).docs[0]?.value as Expected;
  const pr = docs.find((d) => d.kind === 'PipelineRun');
  if (!pr) throw new Error(`${dir}: no PipelineRun`);
  return { docs, pr, expected };
}

async function requestFor(docs: Doc[], pr: Doc, tmp: string, signal: AbortSignal): Promise<PipelineRunRequest> {
  const spec = (pr.spec ?? {}) as PipelineRunSpec;
  const name = pr.metadata?.name ?? 'pipelinerun';
  const find = (kind: string, n: string | undefined) => docs.find((d) => d.kind === kind && d.metadata?.name === n);
  const pipelineDoc = spec.pipelineRef ? find('Pipeline', spec.pipelineRef.name) : undefined;
  if (spec.pipelineRef && !pipelineDoc) throw new Error(`Pipeline ${spec.pipelineRef.name} not in the fixture`);
  const pipelineSpec = (pipelineDoc?.spec ?? spec.pipelineSpec) as PipelineSpec;
  const workspaces: HostWorkspaceBinding[] = (spec.workspaces ?? []).map((w) => {
    const kind: HostWorkspaceBinding['kind'] = w.emptyDir ? 'emptyDir' : w.persistentVolumeClaim ? 'persistentVolumeClaim' : 'volumeClaimTemplate';
    return { name: w.name, kind, hostPath: join(tmp, 'ws', w.name), ...(w.subPath ? { subPath: w.subPath } : {}) };
  });
  for (const w of workspaces) if (w.hostPath) await mkdir(w.hostPath, { recursive: true });
  const ms = (d: string | undefined) => (d === undefined ? undefined : parseGoDuration(d));
  const timeouts: NonNullable<PipelineRunRequest['timeouts']> = {};
  const p = ms(spec.timeouts?.pipeline);
  const t = ms(spec.timeouts?.tasks);
  const f = ms(spec.timeouts?.finally);
  if (p !== undefined) timeouts.pipelineMs = p;
  if (t !== undefined) timeouts.tasksMs = t;
  if (f !== undefined) timeouts.finallyMs = f;
  return {
    name,
    namespace: pr.metadata?.namespace ?? 'default',
    uid: `uid-${name}`,
    ...(pipelineDoc?.metadata?.name ? { pipelineName: pipelineDoc.metadata.name } : {}),
    spec: pipelineSpec,
    params: (spec.params ?? []).map((x) => ({ name: x.name, value: x.value })),
    workspaces,
    timeouts,
    ...(spec.taskRunSpecs ? { taskRunSpecs: spec.taskRunSpecs } : {}),
    labels: {},
    annotations: {},
    runDir: join(tmp, 'logs'),
    signal,
    // at least two TaskRuns at once whatever the core count (parallel-independent needs it)
    parallel: 4,
    resolver: {
      task: (n) => {
        const d = find('Task', n);
        return d ? { name: n, spec: d.spec as TaskSpec } : undefined;
      },
      pipeline: (n) => {
        const d = find('Pipeline', n);
        return d ? { name: n, spec: d.spec as PipelineSpec } : undefined;
      },
      stepAction: (n) => {
        const d = find('StepAction', n);
        return d ? { name: n, spec: d.spec as StepActionSpec } : undefined;
      },
    },
    executeTaskRun,
  };
}

/** Per pipeline task: Succeeded / Failed / Cancelled / None (no TaskRun), first failing (else first) TaskRun reason. */
function taskSummary(status: PipelineRunStatus, pipelineTask: string) {
  const child = status.pipelineRuns?.find((p) => p.pipelineTaskName === pipelineTask);
  if (child) {
    const c = child.status.conditions.find((x) => x.type === 'Succeeded');
    const st = c?.status === 'True' ? 'Succeeded' : c?.reason === 'Cancelled' ? 'Cancelled' : 'Failed';
    return { status: st, reason: c?.reason ?? '', taskRuns: child.status.taskRuns.map((r) => r.name), retries: 0 };
  }
  const runs = status.taskRuns.filter((r) => r.pipelineTaskName === pipelineTask);
  if (runs.length === 0) return { status: 'None', reason: '', taskRuns: [], retries: 0 };
  const conds = runs.map((r) => r.status.conditions.find((c) => c.type === 'Succeeded'));
  const failing = conds.find((c) => c?.status === 'False');
  const st = conds.every((c) => c?.status === 'True') ? 'Succeeded' : conds.every((c) => c?.reason === 'TaskRunCancelled') ? 'Cancelled' : 'Failed';
  return {
    status: st,
    reason: (failing ?? conds[0])?.reason ?? '',
    taskRuns: runs.map((r) => r.name),
    retries: Math.max(...runs.map((r) => r.status.retriesStatus?.length ?? 0)),
  };
}

async function logsOf(tmp: string, taskRun: string): Promise<string> {
  const dir = join(tmp, 'logs', taskRun);
  const files = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  return texts.join('\n');
}

const dirs = (await readdir(fixturesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const sandboxAvailable = (await detectSandbox()).available;

describe('PipelineRun fixtures', () => {
  for (const dirName of dirs) {
    for (const mode of ['sandbox', 'host'] as const) {
    it(`${dirName} (${mode === 'sandbox' ? 'bubblewrap' : 'unsandboxed'})`, async (t) => {
      const { docs, pr, expected } = await loadFixture(join(fixturesDir, dirName));
      if (expected.modes && !expected.modes.includes(mode)) t.skip();
      if (mode === 'sandbox' && !sandboxAvailable) t.skip();
      const tmp = await mkdtemp(join(tmpdir(), 'plumbing-prfixture-'));
      try {
        const ac = new AbortController();
        const req = await requestFor(docs, pr, tmp, ac.signal);
        const status = await executePipelineRun(req, {
          sandbox: mode === 'sandbox',
          onEvent: (e: RunEvent) => {
            const c = expected.cancel;
            if (c && e.type === 'step-start' && e.taskRun.startsWith(`${req.name}-${c.afterStepOf}`)) setTimeout(() => ac.abort(c.reason), 300);
          },
        });
        const cond = status.conditions[0];
        if (process.env.PLUMBING_DEBUG_FIXTURES) console.log(JSON.stringify(status, null, 1));
        expect({ succeeded: cond?.status, reason: cond?.reason }).toEqual({ succeeded: expected.succeeded, reason: expected.reason });
        if (expected.message !== undefined) expect(cond?.message).toBe(expected.message);
        if (expected.results) expect(Object.fromEntries(status.results.map((r) => [r.name, r.value]))).toEqual(expected.results);
        for (const [pt, want] of Object.entries(expected.tasks ?? {})) {
          const got = taskSummary(status, pt);
          expect({ status: got.status, reason: got.reason }, `pipeline task ${pt}`).toEqual({ status: want.status, reason: want.reason ?? got.reason });
          if (want.taskRuns) expect(got.taskRuns, `TaskRuns of ${pt}`).toEqual(want.taskRuns);
          if (want.retries !== undefined) expect(got.retries, `retries of ${pt}`).toBe(want.retries);
        }
        if (expected.skipped) expect(Object.fromEntries(status.skippedTasks.map((s) => [s.name, s.reason]))).toEqual(expected.skipped);
        for (const [name, want] of Object.entries(expected.childPipelineRuns ?? {})) {
          const child = status.pipelineRuns?.find((p) => p.name === name);
          const c = child?.status.conditions.find((x) => x.type === 'Succeeded');
          expect({ reason: c?.reason, message: c?.message }, `child PipelineRun ${name}`).toEqual({ reason: want.reason, message: want.message });
          for (const [tr, msg] of Object.entries(want.taskRunMessages ?? {})) {
            const run = child?.status.taskRuns.find((r) => r.name === tr);
            expect(run?.status.conditions.find((x) => x.type === 'Succeeded')?.message, `TaskRun ${tr}`).toBe(msg);
          }
        }
        for (const [tr, text] of Object.entries(expected.logContains ?? {})) expect(await logsOf(tmp, tr), `logs of ${tr}`).toContain(text);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
    }
  }
});
