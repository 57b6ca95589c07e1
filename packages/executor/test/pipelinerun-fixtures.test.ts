/**
 * End-to-end PipelineRuns with real processes and the real TaskRun engine: every directory
 * under fixtures/pipelineruns holds a `run.yaml` (PipelineRun + Pipeline + Tasks, multi-doc)
 * and an `expected.yaml` (condition, pipeline results, per-pipeline-task status, skipped tasks).
 * Each fixture runs sandboxed (bubblewrap, when available) and unsandboxed unless `modes` narrows it.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml, type ParamValue, parseFeatureFlags } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { PipelineRunRequest, PipelineRunStatus, RunEvent } from '../src/contracts.js';
import { executePipelineRun } from '../src/pipelinerun/pipeline-run.js';
import { loadRunsFromFiles } from '../src/runs/load-runs.js';
import { runDirOf } from '../src/runs/record.js';
import { pipelineRunRequest } from '../src/runs/run-requests.js';
import { detectSandbox } from '../src/step/sandbox.js';
import { executeTaskRun } from '../src/taskrun/task-run.js';
import { timeoutForTaskRuns } from './slow.js';

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
  /** Tekton's feature-flags ConfigMap data for the run (as `.plumbing.yaml` run.featureFlags gives it). */
  featureFlags?: Record<string, string>;
  /** Child PipelineRun (pipelines in pipelines) name → its condition, and its TaskRuns' condition messages. */
  childPipelineRuns?: Record<string, { reason: string; message: string; taskRunMessages?: Record<string, string> }>;
  /** How many TaskRuns the fixture starts, when more than a handful (sizes the test's timeout). */
  taskRuns?: number;
}

/**
 * Builds the engine's request the way `plumbing run -f run.yaml` does: the fixture's run.yaml copied
 * into a fresh repository root, loaded by the real loader (loadRunsFromFiles) and turned into a
 * request by pipelineRunRequest (at least two TaskRuns at once whatever the core count:
 * parallel-independent needs it).
 */
async function requestFor(fixture: string, tmp: string, signal: AbortSignal): Promise<PipelineRunRequest> {
  const root = join(tmp, 'repo');
  await mkdir(root, { recursive: true });
  await copyFile(join(fixture, 'run.yaml'), join(root, 'run.yaml'));
  const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
  const run = plan.runs.find((r) => r.kind === 'PipelineRun');
  if (!run) throw new Error(`${fixture}: no PipelineRun`);
  const dir = runDirOf(root, run.name);
  await mkdir(dir, { recursive: true });
  const req = pipelineRunRequest({ plan, run, dir, uid: `uid-${run.name}`, signal }, { parallel: 4, executeTaskRun });
  if ('refused' in req) throw new Error(`${fixture}: ${req.refused.reason}: ${req.refused.message}`);
  return req;
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

async function logsOf(runDir: string, taskRun: string): Promise<string> {
  const dir = join(runDir, taskRun);
  const files = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  return texts.join('\n');
}

const dirs = (await readdir(fixturesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const expectations = new Map(
  await Promise.all(dirs.map(async (d) => [d, loadYaml('expected.yaml', await readFile(join(fixturesDir, d, 'expected.yaml'), 'utf8')).docs[0]?.value as Expected] as const)),
);
const sandboxAvailable = (await detectSandbox()).available;

describe('PipelineRun fixtures', () => {
  for (const dirName of dirs) {
    for (const mode of ['sandbox', 'host'] as const) {
    it(`${dirName} (${mode === 'sandbox' ? 'bubblewrap' : 'unsandboxed'})`, async (t) => {
      const expected = expectations.get(dirName) as Expected;
      if (expected.modes && !expected.modes.includes(mode)) t.skip();
      if (mode === 'sandbox' && !sandboxAvailable) t.skip();
      const tmp = await mkdtemp(join(tmpdir(), 'plumbing-prfixture-'));
      try {
        const ac = new AbortController();
        const req = await requestFor(join(fixturesDir, dirName), tmp, ac.signal);
        const status = await executePipelineRun(req, {
          sandbox: mode === 'sandbox',
          ...(expected.featureFlags ? { featureFlags: parseFeatureFlags(expected.featureFlags).flags } : {}),
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
        for (const [tr, text] of Object.entries(expected.logContains ?? {})) expect(await logsOf(req.runDir, tr), `logs of ${tr}`).toContain(text);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    }, timeoutForTaskRuns(expectations.get(dirName)?.taskRuns ?? 10));
    }
  }
});
