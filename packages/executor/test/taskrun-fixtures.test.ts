/**
 * End-to-end TaskRuns with real processes: every directory under fixtures/taskruns holds a
 * `run.yaml` (a TaskRun with its Task / StepActions, multi-doc) and an `expected.yaml`.
 * Each fixture runs sandboxed (bubblewrap) and unsandboxed unless `modes` narrows it.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml, type ParamValue, parseFeatureFlags } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { RunEvent, TaskRunRequest } from '../src/contracts.js';
import { loadRunsFromFiles } from '../src/runs/load-runs.js';
import { runDirOf } from '../src/runs/record.js';
import { taskRunRequest } from '../src/runs/run-requests.js';
import { detectSandbox } from '../src/step/sandbox.js';
import { executeTaskRun } from '../src/taskrun/task-run.js';
import { REAL_PROCESS_TIMEOUT_MS } from './slow.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, 'fixtures', 'taskruns');

interface Expected {
  succeeded: 'True' | 'False';
  reason: string;
  message?: string;
  /** Result name → value (strings verbatim, arrays/objects as YAML). */
  results?: Record<string, ParamValue>;
  /** Results expected in one mode only (paths differ with and without the sandbox). */
  resultsByMode?: { sandbox?: Record<string, ParamValue>; host?: Record<string, ParamValue> };
  /** Results that must be absent. */
  noResults?: string[];
  /** Step name → exit code. */
  steps?: Record<string, number>;
  /** Step name → Tekton terminationReason. */
  terminationReasons?: Record<string, string>;
  /** Step name → text its log must contain. */
  logContains?: Record<string, string>;
  /** Step name → step result name → value. */
  stepResults?: Record<string, Record<string, ParamValue>>;
  /** Step name → artifacts outputs read from its provenance.json. */
  stepOutputs?: Record<string, unknown[]>;
  /** The TaskRun's status.artifacts (task and step artifacts merged), exactly. */
  taskArtifacts?: unknown;
  /** Workspaces bound to a host directory made by the test (instead of the run's binding). */
  hostWorkspaces?: string[];
  /** Files seeded into host workspaces before the run: workspace → path → content. */
  seed?: Record<string, Record<string, string>>;
  /** Files expected in host workspaces after the run: workspace → path → content. */
  files?: Record<string, Record<string, string>>;
  /** Cancel the run once this step has started. */
  cancelAtStep?: string;
  /** A warning event must mention this text (per mode). */
  warningContains?: { sandbox?: string; host?: string };
  /** No warning event may mention this text (per mode). */
  warningExcludes?: { sandbox?: string; host?: string };
  modes?: ('sandbox' | 'host')[];
  /** Tekton's feature-flags ConfigMap data for the run (as `.plumbing.yaml` run.featureFlags gives it). */
  featureFlags?: Record<string, string>;
}

async function loadFixture(dir: string) {
  const expected = loadYaml('expected.yaml', await readFile(join(dir, 'expected.yaml'), 'utf8')).docs[0]!.value as Expected;
  return { expected };
}

/**
 * Builds the engine's request the way `plumbing run -f run.yaml` does: the fixture's run.yaml copied
 * into a fresh repository root, loaded by the real loader (loadRunsFromFiles) and turned into a request
 * by taskRunRequest; `hostWorkspaces` are bound like `-w name=DIR`.
 */
async function requestFor(fixture: string, expected: Expected, tmp: string, signal: AbortSignal): Promise<TaskRunRequest> {
  const root = join(tmp, 'repo');
  await mkdir(root, { recursive: true });
  await copyFile(join(fixture, 'run.yaml'), join(root, 'run.yaml'));
  const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
  const run = plan.runs.find((r) => r.kind === 'TaskRun');
  if (!run) throw new Error(`${fixture}: no TaskRun`);
  for (const name of expected.hostWorkspaces ?? []) {
    run.hostDirs[name] = join(tmp, 'host', name);
    await mkdir(run.hostDirs[name], { recursive: true });
  }
  for (const [ws, files] of Object.entries(expected.seed ?? {})) {
    for (const [p, content] of Object.entries(files)) {
      const f = join(tmp, 'host', ws, p);
      await mkdir(dirname(f), { recursive: true });
      await writeFile(f, content);
    }
  }
  const dir = runDirOf(root, run.name);
  await mkdir(dir, { recursive: true });
  const req = taskRunRequest({ plan, run, dir, uid: `uid-${run.name}`, signal });
  if ('refused' in req) throw new Error(`${fixture}: ${req.refused.reason}: ${req.refused.message}`);
  return req;
}

async function allLogs(dir: string): Promise<string> {
  try {
    const files = await readdir(dir);
    return (await Promise.all(files.map(async (f) => `--- ${f}\n${await readFile(join(dir, f), 'utf8')}`))).join('\n');
  } catch {
    return '(no logs)';
  }
}

const dirs = (await readdir(fixturesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const sandboxAvailable = (await detectSandbox()).available;

describe('TaskRun fixtures', () => {
  for (const dirName of dirs) {
    for (const mode of ['sandbox', 'host'] as const) {
      it(`${dirName} (${mode === 'sandbox' ? 'bubblewrap' : 'unsandboxed'})`, async (t) => {
        const { expected } = await loadFixture(join(fixturesDir, dirName));
        if (expected.modes && !expected.modes.includes(mode)) t.skip();
        if (mode === 'sandbox' && !sandboxAvailable) t.skip();
        const tmp = await mkdtemp(join(tmpdir(), 'plumbing-fixture-'));
        try {
          const ac = new AbortController();
          const req = await requestFor(join(fixturesDir, dirName), expected, tmp, ac.signal);
          const events: RunEvent[] = [];
          const status = await executeTaskRun(req, {
            sandbox: mode === 'sandbox',
            ...(expected.featureFlags ? { featureFlags: parseFeatureFlags(expected.featureFlags).flags } : {}),
            onEvent: (e) => {
              events.push(e);
              if (e.type === 'step-start' && e.step === expected.cancelAtStep) setTimeout(() => ac.abort('Cancelled'), 200);
            },
          });
          const cond = status.conditions[0]!;
          expect({ succeeded: cond.status, reason: cond.reason }, `${cond.message}\n${await allLogs(req.logDir)}`).toEqual({ succeeded: expected.succeeded, reason: expected.reason });
          if (expected.message !== undefined) expect(cond.message).toBe(expected.message);
          if (expected.steps) expect(Object.fromEntries(status.steps.map((s) => [s.name, s.terminated?.exitCode]))).toEqual(expected.steps);
          if (expected.terminationReasons) {
            const got = Object.fromEntries(status.steps.filter((s) => s.name in expected.terminationReasons!).map((s) => [s.name, s.terminationReason]));
            expect(got).toEqual(expected.terminationReasons);
          }
          for (const [n, v] of Object.entries(expected.results ?? {})) expect(status.results.find((r) => r.name === n)?.value, `result ${n}`).toEqual(v);
          for (const [n, v] of Object.entries(expected.resultsByMode?.[mode] ?? {})) expect(status.results.find((r) => r.name === n)?.value, `result ${n}`).toEqual(v);
          for (const n of expected.noResults ?? []) expect(status.results.find((r) => r.name === n)).toBeUndefined();
          for (const [s, rs] of Object.entries(expected.stepResults ?? {})) {
            const st = status.steps.find((x) => x.name === s);
            for (const [n, v] of Object.entries(rs)) expect(st?.results?.find((r) => r.name === n)?.value, `step ${s} result ${n}`).toEqual(v);
          }
          for (const [s, outs] of Object.entries(expected.stepOutputs ?? {})) expect(status.steps.find((x) => x.name === s)?.outputs, `outputs of ${s}`).toEqual(outs);
          if (expected.taskArtifacts !== undefined) expect(status.artifacts, 'status.artifacts').toEqual(expected.taskArtifacts);
          for (const [s, text] of Object.entries(expected.logContains ?? {})) {
            expect(await readFile(join(req.logDir, `${s}.log`), 'utf8'), `log of ${s}`).toContain(text);
          }
          for (const [ws, files] of Object.entries(expected.files ?? {})) {
            for (const [p, content] of Object.entries(files)) expect(await readFile(join(tmp, 'host', ws, p), 'utf8'), `${ws}/${p}`).toBe(content);
          }
          const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message).join('\n');
          const warn = expected.warningContains?.[mode];
          if (warn) expect(warnings).toContain(warn);
          const notWarn = expected.warningExcludes?.[mode];
          if (notWarn) expect(warnings).not.toContain(notWarn);
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      }, REAL_PROCESS_TIMEOUT_MS);
    }
  }
});
