/**
 * A deliberately small engine that honours contracts.ts (events, logs per step, statuses,
 * cancellation) with real `sh` child processes, so that the run orchestration, the live view and
 * the records can be tested before and independently of the real engines. Not Tekton-exact:
 * only `$(params.x)`, `$(results.x.path)`, `$(workspaces.w.path)` and `$(tasks.t.results.r)`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Condition, ParamValue, PipelineTask, TaskSpec } from '@plumbing/model';
import type { ChildTaskRun, ExecOptions, ExecutePipelineRun, ExecuteTaskRun, StepState, TaskRunResultValue, TaskRunStatus } from '@plumbing/executor';

function str(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function subst(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\(([^)]+)\)/g, (m, k: string) => vars[k] ?? m);
}

function cond(status: Condition['status'], reason: string, message: string, at: string): Condition {
  return { type: 'Succeeded', status, reason, message, lastTransitionTime: at };
}

/** Runs a TaskRun's steps with `sh -c`, one after the other. */
export const testExecuteTaskRun: ExecuteTaskRun = async (req, opts) => {
  const now = () => (opts.now ?? (() => new Date()))().toISOString();
  const emit = opts.onEvent ?? (() => {});
  const startTime = now();
  emit({ type: 'taskrun-start', taskRun: req.name, ...(req.pipelineRun ? { pipelineTask: req.pipelineRun.pipelineTaskName } : {}), at: startTime });
  mkdirSync(req.logDir, { recursive: true });
  const resultsDir = mkdtempSync(join(tmpdir(), 'plumbing-test-results-'));
  const vars: Record<string, string> = { 'context.taskRun.name': req.name };
  for (const p of req.spec.params ?? []) if (p.default !== undefined) vars[`params.${p.name}`] = str(p.default);
  for (const p of req.params) vars[`params.${p.name}`] = str(p.value);
  for (const r of req.spec.results ?? []) vars[`results.${r.name}.path`] = join(resultsDir, r.name);
  for (const w of req.workspaces) vars[`workspaces.${w.name}.path`] = w.hostPath ?? '';
  const steps: StepState[] = [];
  let condition: Condition | undefined;
  const deadline = req.timeoutMs ? Date.now() + req.timeoutMs : undefined;
  for (const [i, step] of (req.spec.steps ?? []).entries()) {
    const name = step.name ?? `unnamed-${i}`;
    if (condition) {
      steps.push({ name, container: `step-${name}`, terminated: { exitCode: 1, reason: 'Skipped', startedAt: now(), finishedAt: now() } });
      emit({ type: 'step-end', taskRun: req.name, step: name, exitCode: 1, reason: 'Skipped', at: now() });
      continue;
    }
    const startedAt = now();
    emit({ type: 'step-start', taskRun: req.name, step: name, at: startedAt });
    const script = subst(step.script ?? [...(step.command ?? []), ...(step.args ?? [])].join(' '), vars);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const e of step.env ?? []) if (typeof e.value === 'string') env[e.name] = subst(e.value, vars);
    const log = createWriteStream(join(req.logDir, `${name}.log`));
    const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let why: 'Cancelled' | 'Timeout' | undefined;
    const kill = (w: 'Cancelled' | 'Timeout') => {
      why = w;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const onAbort = () => kill('Cancelled');
    req.signal.addEventListener('abort', onAbort, { once: true });
    if (req.signal.aborted) onAbort();
    const timer = deadline ? setTimeout(() => kill('Timeout'), Math.max(0, deadline - Date.now())) : undefined;
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (b: Buffer) => {
        log.write(b);
        emit({ type: 'step-output', taskRun: req.name, step: name, stream, text: b.toString('utf8') });
      });
    }
    const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? 137)));
    await new Promise<void>((res) => log.end(res));
    req.signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    const reason = why === 'Cancelled' ? 'Cancelled' : why === 'Timeout' ? 'TimeoutExceeded' : code === 0 ? 'Completed' : 'Error';
    steps.push({ name, container: `step-${name}`, terminated: { exitCode: code, reason, startedAt, finishedAt: now() } });
    emit({ type: 'step-end', taskRun: req.name, step: name, exitCode: code, reason, at: now() });
    if (why === 'Cancelled') condition = cond('False', 'TaskRunCancelled', `TaskRun "${req.name}" was cancelled`, now());
    else if (why === 'Timeout') condition = cond('False', 'TaskRunTimeout', `TaskRun "${req.name}" failed to finish within "${req.timeoutMs}ms"`, now());
    else if (code !== 0) condition = cond('False', 'StepFailed', `"step-${name}" exited with code ${code}`, now());
  }
  const results: TaskRunResultValue[] = [];
  for (const r of req.spec.results ?? []) {
    try {
      results.push({ name: r.name, type: 'string', value: readFileSync(join(resultsDir, r.name), 'utf8') });
    } catch {
      // not written
    }
  }
  const finalCond = condition ?? cond('True', 'Succeeded', 'All Steps have completed executing', now());
  emit({ type: 'taskrun-end', taskRun: req.name, ...(req.pipelineRun ? { pipelineTask: req.pipelineRun.pipelineTaskName } : {}), succeeded: finalCond.status, reason: finalCond.reason ?? '', at: now() });
  return { conditions: [finalCond], podName: `${req.name}-pod`, startTime, completionTime: now(), steps, results };
};

/** Runs a Pipeline's tasks as their runAfter/result dependencies allow, then its finally tasks. */
export const testExecutePipelineRun: ExecutePipelineRun = async (req, opts: ExecOptions) => {
  const now = () => (opts.now ?? (() => new Date()))().toISOString();
  const startTime = now();
  const vars: Record<string, string> = {};
  for (const p of req.spec.params ?? []) if (p.default !== undefined) vars[`params.${p.name}`] = str(p.default);
  for (const p of req.params) vars[`params.${p.name}`] = str(p.value);
  const children: ChildTaskRun[] = [];
  const done = new Map<string, TaskRunStatus>();
  const runTask = async (pt: PipelineTask): Promise<void> => {
    const spec: TaskSpec | undefined = pt.taskSpec ?? (pt.taskRef?.name ? req.resolver.task(pt.taskRef.name)?.spec : undefined);
    const name = `${req.name}-${pt.name}`;
    const params = (pt.params ?? []).map((p) => ({ name: p.name, value: typeof p.value === 'string' ? subst(p.value, vars) : p.value }));
    const workspaces = (pt.workspaces ?? []).map((w) => {
      const b = req.workspaces.find((x) => x.name === (w.workspace ?? w.name));
      return { name: w.name, ...(b?.hostPath ? { hostPath: b.hostPath } : {}) };
    });
    const status = await req.executeTaskRun(
      {
        name,
        namespace: req.namespace,
        uid: `${req.uid}-${pt.name}`,
        spec: spec ?? { steps: [] },
        params,
        workspaces,
        retryCount: 0,
        labels: {},
        annotations: {},
        pipelineRun: { name: req.name, namespace: req.namespace, uid: req.uid, pipelineName: req.pipelineName ?? req.name, pipelineTaskName: pt.name },
        logDir: join(req.runDir, name),
        signal: req.signal,
      },
      opts,
    );
    for (const r of status.results) vars[`tasks.${pt.name}.results.${r.name}`] = str(r.value);
    children.push({ name, pipelineTaskName: pt.name, status });
    done.set(pt.name, status);
  };
  const deps = (pt: PipelineTask) => [...(pt.runAfter ?? []), ...[...JSON.stringify(pt.params ?? []).matchAll(/\$\(tasks\.([^.]+)\.results/g)].map((m) => m[1]!)];
  const pending = [...(req.spec.tasks ?? [])];
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    for (const pt of [...pending]) {
      if (req.signal.aborted) break;
      if (deps(pt).every((d) => done.has(d))) {
        pending.splice(pending.indexOf(pt), 1);
        running.set(pt.name, runTask(pt).finally(() => running.delete(pt.name)));
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const pt of req.spec.finally ?? []) if (!req.signal.aborted) await runTask(pt);
  const failedCount = children.filter((c) => c.status.conditions[0]?.status === 'False').length;
  const message = `Tasks Completed: ${children.length} (Failed: ${failedCount}, Cancelled 0), Skipped: ${pending.length}`;
  const condition = req.signal.aborted ? cond('False', 'Cancelled', `PipelineRun "${req.name}" was cancelled`, now()) : failedCount > 0 ? cond('False', 'Failed', message, now()) : cond('True', 'Succeeded', message, now());
  const results = (req.spec.results ?? []).map((r) => ({ name: r.name, value: typeof r.value === 'string' ? subst(r.value, vars) : r.value }));
  return {
    conditions: [condition],
    startTime,
    completionTime: now(),
    childReferences: children.map((c) => ({ kind: 'TaskRun' as const, name: c.name, pipelineTaskName: c.pipelineTaskName })),
    results,
    skippedTasks: pending.map((p) => ({ name: p.name, reason: 'PipelineRun was stopping' })),
    taskRuns: children,
  };
};
