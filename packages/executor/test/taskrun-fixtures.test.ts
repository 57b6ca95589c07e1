/**
 * End-to-end TaskRuns with real processes: every directory under fixtures/taskruns holds a
 * `run.yaml` (a TaskRun with its Task / StepActions, multi-doc) and an `expected.yaml`.
 * Each fixture runs sandboxed (bubblewrap) and unsandboxed unless `modes` narrows it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml, type ParamValue, parseGoDuration, type StepActionSpec, type TaskRunSpec, type TaskSpec } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { ResolvedWorkspace, RunEvent, TaskRunRequest } from '../src/contracts.js';
import { detectSandbox } from '../src/step/sandbox.js';
import { executeTaskRun } from '../src/taskrun/task-run.js';

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
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: unknown;
}

async function loadFixture(dir: string) {
  const text = await readFile(join(dir, 'run.yaml'), 'utf8');
  const docs = loadYaml('run.yaml', text).docs.map((d) => d.value as Doc);
  const expected = loadYaml('expected.yaml', await readFile(join(dir, 'expected.yaml'), 'utf8')).docs[0]!.value as Expected;
  const taskRun = docs.find((d) => d.kind === 'TaskRun');
  if (!taskRun) throw new Error(`${dir}: no TaskRun`);
  return { docs, taskRun, expected };
}

/** Builds the engine's request from the TaskRun YAML, the way the CLI would (tiny resolver over the same file). */
async function requestFor(docs: Doc[], taskRun: Doc, expected: Expected, tmp: string, signal: AbortSignal): Promise<TaskRunRequest> {
  const spec = (taskRun.spec ?? {}) as TaskRunSpec;
  const name = taskRun.metadata?.name ?? 'taskrun';
  let taskSpec: TaskSpec;
  let taskName: string | undefined;
  if (spec.taskRef) {
    const task = docs.find((d) => d.kind === 'Task' && d.metadata?.name === spec.taskRef?.name);
    if (!task) throw new Error(`Task ${spec.taskRef.name} not in the fixture`);
    taskSpec = task.spec as TaskSpec;
    taskName = task.metadata!.name!;
  } else taskSpec = spec.taskSpec!;
  const workspaces: ResolvedWorkspace[] = [];
  for (const b of spec.workspaces ?? []) {
    let base: string;
    if (expected.hostWorkspaces?.includes(b.name)) base = join(tmp, 'host', b.name);
    else base = join(tmp, 'ws', b.name);
    await mkdir(base, { recursive: true });
    const hostPath = b.subPath ? join(base, b.subPath) : base;
    await mkdir(hostPath, { recursive: true });
    const ws: ResolvedWorkspace = { name: b.name, hostPath };
    if (b.persistentVolumeClaim) {
      ws.claim = b.persistentVolumeClaim.claimName;
      if (b.persistentVolumeClaim.readOnly) ws.readOnly = true;
    }
    workspaces.push(ws);
  }
  for (const [ws, files] of Object.entries(expected.seed ?? {})) {
    for (const [p, content] of Object.entries(files)) {
      const f = join(tmp, 'host', ws, p);
      await mkdir(dirname(f), { recursive: true });
      await writeFile(f, content);
    }
  }
  const timeoutMs = spec.timeout === undefined ? undefined : parseGoDuration(spec.timeout);
  return {
    name,
    namespace: taskRun.metadata?.namespace ?? 'default',
    uid: `uid-${name}`,
    ...(taskName ? { taskName } : {}),
    spec: taskSpec,
    params: (spec.params ?? []).map((p) => ({ name: p.name, value: p.value })),
    workspaces,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    retryCount: 0,
    labels: {},
    annotations: {},
    logDir: join(tmp, 'logs'),
    signal,
    resolver: {
      stepAction: (n: string) => {
        const d = docs.find((x) => x.kind === 'StepAction' && x.metadata?.name === n);
        return d ? { name: n, spec: d.spec as StepActionSpec } : undefined;
      },
    },
  };
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
        const { docs, taskRun, expected } = await loadFixture(join(fixturesDir, dirName));
        if (expected.modes && !expected.modes.includes(mode)) t.skip();
        if (mode === 'sandbox' && !sandboxAvailable) t.skip();
        const tmp = await mkdtemp(join(tmpdir(), 'plumbing-fixture-'));
        try {
          const ac = new AbortController();
          const req = await requestFor(docs, taskRun, expected, tmp, ac.signal);
          const events: RunEvent[] = [];
          const status = await executeTaskRun(req, {
            sandbox: mode === 'sandbox',
            onEvent: (e) => {
              events.push(e);
              if (e.type === 'step-start' && e.step === expected.cancelAtStep) setTimeout(() => ac.abort('Cancelled'), 200);
            },
          });
          const cond = status.conditions[0]!;
          expect({ succeeded: cond.status, reason: cond.reason }, `${cond.message}\n${await allLogs(join(tmp, 'logs'))}`).toEqual({ succeeded: expected.succeeded, reason: expected.reason });
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
          for (const [s, text] of Object.entries(expected.logContains ?? {})) {
            expect(await readFile(join(tmp, 'logs', `${s}.log`), 'utf8'), `log of ${s}`).toContain(text);
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
      });
    }
  }
});
