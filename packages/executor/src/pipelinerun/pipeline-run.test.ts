/**
 * Scheduling, skip, status and matrix logic of the PipelineRun engine against a FAKE
 * executeTaskRun (unit level only; test/pipelinerun-fixtures.test.ts runs real processes).
 */
import type { PipelineSpec, PipelineTask } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { TaskRunRequest, TaskRunStatus } from '../contracts.js';
import { fakeEngine, request } from '../../test/fake-task-runs.js';
import { executePipelineRun } from './pipeline-run.js';

const task = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({
  name,
  taskSpec: { results: [{ name: 'out' }, { name: 'arr', type: 'array' }], steps: [{ name: 's', image: 'busybox', script: 'true' }] },
  ...extra,
});


const param = (req: TaskRunRequest, name: string) => req.params.find((p) => p.name === name)?.value;

describe('executePipelineRun', () => {
  it('passes results between tasks and computes pipeline results', async () => {
    const fake = fakeEngine({ a: { results: () => ({ out: 'hello', arr: ['x', 'y'] }) } });
    const spec: PipelineSpec = {
      tasks: [task('a'), task('b', { params: [{ name: 'in', value: '$(tasks.a.results.out)' }, { name: 'list', value: '$(tasks.a.results.arr[*])' }] })],
      results: [
        { name: 'joined', value: '$(tasks.a.results.out)-$(tasks.a.results.arr[1])' },
        { name: 'all', value: '$(tasks.a.results.arr[*])' },
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0' });
    const b = fake.calls.find((c) => c.name === 'pr-b') as TaskRunRequest;
    expect(param(b, 'in')).toBe('hello');
    expect(param(b, 'list')).toEqual(['x', 'y']);
    expect(st.results).toEqual([
      { name: 'joined', value: 'hello-y' },
      { name: 'all', value: ['x', 'y'] },
    ]);
    expect(st.childReferences.map((c) => c.name)).toEqual(['pr-a', 'pr-b']);
  });

  it('skips only the guarded task on a false when; result consumers are skipped and cascade', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = {
      params: [{ name: 'go', default: 'no' }],
      tasks: [
        task('guarded', { when: [{ input: '$(params.go)', operator: 'in', values: ['yes'] }] }),
        task('after', { runAfter: ['guarded'] }),
        task('consumer', { params: [{ name: 'x', value: '$(tasks.guarded.results.out)' }] }),
        task('grandchild', { runAfter: ['consumer'] }),
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.skippedTasks).toEqual([
      { name: 'guarded', reason: 'When Expressions evaluated to false', whenExpressions: [{ input: 'no', operator: 'in', values: ['yes'] }] },
      { name: 'consumer', reason: 'Results were missing' },
      { name: 'grandchild', reason: 'Parent Tasks were skipped' },
    ]);
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-after']);
    expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Completed', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 3' });
  });

  it('stops scheduling after a failure, lets independent running work finish and runs finally with tasks.status', async () => {
    const fake = fakeEngine({ bad: { fail: Infinity } });
    const spec: PipelineSpec = {
      tasks: [task('bad'), task('dependent', { runAfter: ['bad'] })],
      finally: [
        task('report', {
          params: [
            { name: 'overall', value: '$(tasks.status)' },
            { name: 'bad', value: '$(tasks.bad.status)' },
            { name: 'why', value: '$(tasks.bad.reason)' },
            { name: 'dep', value: '$(tasks.dependent.status)' },
          ],
        }),
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    const report = fake.calls.find((c) => c.name === 'pr-report') as TaskRunRequest;
    expect(report.params).toEqual([
      { name: 'overall', value: 'Failed' },
      { name: 'bad', value: 'Failed' },
      { name: 'why', value: 'StepFailed' },
      { name: 'dep', value: 'None' },
    ]);
    expect(st.skippedTasks).toEqual([{ name: 'dependent', reason: 'PipelineRun was stopping' }]);
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1' });
  });

  it('retries failed attempts with retryCount and records retriesStatus', async () => {
    const fake = fakeEngine({ flaky: { fail: 2 } });
    const st = await executePipelineRun(request({ tasks: [task('flaky', { retries: 2 })] }, fake.execute), {});
    expect(fake.calls.map((c) => c.retryCount)).toEqual([0, 1, 2]);
    expect(st.taskRuns[0]?.status.retriesStatus).toHaveLength(2);
    expect(st.conditions[0]?.reason).toBe('Succeeded');
  });

  it('ignores failures of onError: continue tasks and still runs their dependents', async () => {
    const fake = fakeEngine({ bad: { fail: Infinity } });
    const st = await executePipelineRun(request({ tasks: [task('bad', { onError: 'continue' }), task('next', { runAfter: ['bad'] })] }, fake.execute), {});
    expect(st.taskRuns.find((t) => t.name === 'pr-bad')?.status.conditions[0]?.reason).toBe('FailureIgnored');
    expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 2 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 0' });
  });

  it('marks a consumer of a result that was never emitted as validation-failed', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = { tasks: [task('task1'), task('task2', { params: [{ name: 'x', value: '$(tasks.task1.results.out)' }] })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'PipelineValidationFailed',
      message:
        'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0, Failed Validation: 1 (task "task1" completed successfully but did not emit the result "out", which is referenced by task "task2")',
    });
  });

  it('keeps the resolution error when the producer that lacks the result failed (onError: continue)', async () => {
    const fake = fakeEngine({ task1: { fail: Infinity } });
    const spec: PipelineSpec = { tasks: [task('task1', { onError: 'continue' }), task('task2', { params: [{ name: 'x', value: '$(tasks.task1.results.out)' }] })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'PipelineValidationFailed',
      message:
        'Tasks Completed: 1 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 0, Failed Validation: 1 (Invalid task result reference: Could not find result with name out for task task1)',
    });
  });

  it('fans a matrix out, names its TaskRuns and aggregates string results in name order', async () => {
    const fake = fakeEngine({ build: { results: (r) => ({ out: `${param(r, 'os')}` }) } });
    const spec: PipelineSpec = {
      tasks: [
        task('build', { matrix: { params: [{ name: 'os', value: ['linux', 'mac', 'windows'] }] } }),
        task('use', { params: [{ name: 'all', value: '$(tasks.build.results.out[*])' }, { name: 'n', value: '$(tasks.build.matrix.length)' }] }),
      ],
      results: [{ name: 'oses', value: '$(tasks.build.results.out[*])' }],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(fake.calls.filter((c) => c.pipelineRun?.pipelineTaskName === 'build').map((c) => [c.name, param(c, 'os')])).toEqual([
      ['pr-build-0', 'linux'],
      ['pr-build-1', 'mac'],
      ['pr-build-2', 'windows'],
    ]);
    const use = fake.calls.find((c) => c.name === 'pr-use') as TaskRunRequest;
    expect(param(use, 'all')).toEqual(['linux', 'mac', 'windows']);
    expect(param(use, 'n')).toBe('3');
    expect(st.results).toEqual([{ name: 'oses', value: ['linux', 'mac', 'windows'] }]);
  });

  it('fans a matrix out over a whole array result of a task that has not run yet, and names matrix params in displayName', async () => {
    const fake = fakeEngine({ urls: { results: { arr: ['a', 'b'] } } });
    const spec: PipelineSpec = {
      tasks: [
        task('urls'),
        task('fetch', { displayName: 'fetch $(params.url)', matrix: { params: [{ name: 'url', value: '$(tasks.urls.results.arr[*])' }] } }),
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(fake.calls.filter((c) => c.pipelineRun?.pipelineTaskName === 'fetch').map((c) => param(c, 'url'))).toEqual(['a', 'b']);
  });

  it('fails before running when a matrix exceeds 256 combinations', async () => {
    const fake = fakeEngine({});
    const many = Array.from({ length: 17 }, (_, i) => `v${i}`);
    const st = await executePipelineRun(request({ tasks: [task('m', { matrix: { params: [{ name: 'a', value: many }, { name: 'b', value: many }] } })] }, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'PipelineValidationFailed' });
    expect(st.conditions[0]?.message).toContain('expected 0 <= 289 <= 256');
    expect(fake.calls).toEqual([]);
  });

  it('propagates pipeline params into embedded taskSpecs, a passed param beating the pipeline value', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = {
      params: [{ name: 'greeting', default: 'Pipeline Hello' }, { name: 'who', default: 'pipeline' }],
      tasks: [
        {
          name: 't',
          params: [{ name: 'who', value: 'task' }],
          taskSpec: {
            params: [{ name: 'greeting', default: 'Task Hello' }, { name: 'who' }],
            steps: [{ name: 's', image: 'busybox', script: 'echo $(params.greeting) $(params.who) $(context.pipelineRun.name)' }],
          },
        },
      ],
    };
    await executePipelineRun(request(spec, fake.execute), {});
    expect(fake.calls[0]?.spec.steps?.[0]?.script).toBe('echo Pipeline Hello task pr');
  });

  it('fails with ParameterMissing, and PipelineInvalidGraph on a cycle', async () => {
    const fake = fakeEngine({});
    const missing = await executePipelineRun(request({ params: [{ name: 'p' }], tasks: [task('a')] }, fake.execute), {});
    expect(missing.conditions[0]).toMatchObject({
      reason: 'ParameterMissing',
      message: 'PipelineRun default/pr is missing some parameters required by Pipeline default/pr: PipelineRun missing parameters: [p]',
    });
    const cycle = await executePipelineRun(request({ tasks: [task('a', { runAfter: ['b'] }), task('b', { runAfter: ['a'] })] }, fake.execute), {});
    expect(cycle.conditions[0]).toMatchObject({ reason: 'PipelineInvalidGraph' });
    expect(cycle.conditions[0]?.message).toContain('cycle detected; task "a" depends on "b"');
  });

  it('omits a pipeline result of a skipped task silently and fails on one a succeeded task lacks', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = {
      tasks: [task('ok'), task('skipped', { when: [{ input: 'a', operator: 'in', values: ['b'] }] })],
      results: [
        { name: 'fromSkipped', value: '$(tasks.skipped.results.out)' },
        { name: 'fromOk', value: '$(tasks.ok.results.out)' },
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.results).toEqual([]);
    expect(st.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'CouldntGetPipelineResult',
      message: "Failed to get PipelineResult from TaskRun Results for PipelineRun pr: invalid pipelineresults [fromOk], the referenced results don't exist",
    });
  });

  it('cancels running TaskRuns at once on an abort, and gracefully with CancelledRunFinally', async () => {
    const fake = fakeEngine({ slow: { hang: true } });
    const ctl = new AbortController();
    const spec: PipelineSpec = { tasks: [task('slow'), task('later', { runAfter: ['slow'] })], finally: [task('fin')] };
    const p = executePipelineRun(request(spec, fake.execute, { signal: ctl.signal }), {});
    setImmediate(() => ctl.abort('Cancelled'));
    const st = await p;
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "pr" was cancelled' });
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-slow']);

    const fake2 = fakeEngine({ slow: { hang: true } });
    const ctl2 = new AbortController();
    const p2 = executePipelineRun(request(spec, fake2.execute, { signal: ctl2.signal }), {});
    setImmediate(() => ctl2.abort('CancelledRunFinally'));
    const st2 = await p2;
    expect(fake2.calls.map((c) => c.name)).toEqual(['pr-slow', 'pr-fin']);
    expect(st2.skippedTasks).toEqual([{ name: 'later', reason: 'PipelineRun was stopping' }]);
    expect(st2.conditions[0]).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "pr" was cancelled' });
  });

  it('times the pipeline out: running TaskRuns are cancelled with reason TimedOut, finally is skipped', async () => {
    const fake = fakeEngine({ slow: { hang: true } });
    const spec: PipelineSpec = { tasks: [task('slow')], finally: [task('fin')] };
    const st = await executePipelineRun(request(spec, fake.execute, { timeouts: { pipelineMs: 50 } }), {});
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'PipelineRunTimeout', message: 'PipelineRun "pr" failed to finish within "50ms"' });
    expect(st.taskRuns[0]?.status.conditions[0]?.message).toBe('TimedOut');
    expect(st.skippedTasks).toEqual([{ name: 'fin', reason: 'PipelineRun timeout has been reached' }]);
  });

  it('runs finally after a tasks timeout and reports it', async () => {
    const fake = fakeEngine({ slow: { hang: true } });
    const spec: PipelineSpec = { tasks: [task('slow'), task('next', { runAfter: ['slow'] })], finally: [task('fin')] };
    const st = await executePipelineRun(request(spec, fake.execute, { timeouts: { pipelineMs: 0, tasksMs: 50 } }), {});
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-slow', 'pr-fin']);
    expect(st.conditions[0]).toMatchObject({ reason: 'PipelineRunTimeout', message: 'PipelineRun "pr" failed due to tasks failed to finish within "50ms"' });
  });

  it('runs at most `parallel` TaskRuns at once', async () => {
    let active = 0;
    let peak = 0;
    const execute = async (req: TaskRunRequest): Promise<TaskRunStatus> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], podName: req.name, steps: [], results: [] };
    };
    const spec: PipelineSpec = { tasks: ['a', 'b', 'c', 'd', 'e'].map((n) => task(n)) };
    await executePipelineRun(request(spec, execute, { parallel: 2 }), {});
    expect(peak).toBe(2);
  });
});

describe('executePipelineRun edge cases', () => {
  it('StoppedRunFinally lets running tasks finish, skips the rest and runs finally', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const ctl = new AbortController();
    const calls: string[] = [];
    const execute = async (req: TaskRunRequest): Promise<TaskRunStatus> => {
      calls.push(req.name);
      if (req.name === 'pr-slow') {
        ctl.abort('StoppedRunFinally');
        await gate;
      }
      return { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], podName: req.name, steps: [], results: [] };
    };
    const spec: PipelineSpec = { tasks: [task('slow'), task('later', { runAfter: ['slow'] })], finally: [task('fin')] };
    const p = executePipelineRun(request(spec, execute, { signal: ctl.signal }), {});
    setImmediate(() => release());
    const st = await p;
    expect(calls).toEqual(['pr-slow', 'pr-fin']);
    expect(st.taskRuns.find((t) => t.name === 'pr-slow')?.status.conditions[0]?.reason).toBe('Succeeded');
    expect(st.skippedTasks).toEqual([{ name: 'later', reason: 'PipelineRun was gracefully stopped' }]);
    expect(st.conditions[0]).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "pr" was cancelled' });
  });

  it('fails the whole run when an array result index is out of bounds', async () => {
    const fake = fakeEngine({ a: { results: () => ({ arr: ['x', 'y'] }) } });
    const spec: PipelineSpec = {
      tasks: [task('a'), task('b', { params: [{ name: 'p', value: '$(tasks.a.results.arr[3])' }] })],
      finally: [task('fin')],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      reason: 'PipelineValidationFailed',
      message: "[User error] PipelineRun default/pr can't be Run; couldn't resolve all references: array Result Index 3 for Task a Result arr is out of bound of size 2",
    });
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-a']);
  });

  it('rejects a reference to an undeclared result before running anything', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = { tasks: [task('a'), task('b', { params: [{ name: 'p', value: '$(tasks.a.results.nope)' }] })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      reason: 'InvalidTaskResultReference',
      message: 'invalid result reference in pipeline task "b": "nope" is not a named result returned by pipeline task "a"',
    });
    expect(fake.calls).toEqual([]);
  });

  it('rejects a pipeline result naming an undeclared result before running anything', async () => {
    const fake = fakeEngine({});
    const st = await executePipelineRun(request({ tasks: [task('a')], results: [{ name: 'x', value: '$(tasks.a.results.nope)' }] }, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      reason: 'InvalidPipelineResultReference',
      message: 'Failed to resolve pipeline result reference for "pr" with error invalid pipeline result "x": "nope" is not a named result returned by pipeline task "a"',
    });
    expect(fake.calls).toEqual([]);
  });

  it('checks a skipped parent before its own when expressions, so a skipped chain stays skipped', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = {
      tasks: [
        task('p', { when: [{ input: 'a', operator: 'in', values: ['b'] }] }),
        task('consumer', { params: [{ name: 'x', value: '$(tasks.p.results.out)' }] }),
        task('guarded', { runAfter: ['consumer'], when: [{ input: 'a', operator: 'in', values: ['b'] }] }),
        task('leaf', { runAfter: ['guarded'] }),
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.skippedTasks.map((t) => [t.name, t.reason])).toEqual([
      ['p', 'When Expressions evaluated to false'],
      ['consumer', 'Results were missing'],
      ['guarded', 'Parent Tasks were skipped'],
      ['leaf', 'Parent Tasks were skipped'],
    ]);
    expect(fake.calls).toEqual([]);
  });

  it('turns a when input that is a whole array result into its JSON', async () => {
    const fake = fakeEngine({ a: { results: () => ({ arr: ['x', 'y'] }) } });
    const spec: PipelineSpec = { tasks: [task('a'), task('b', { when: [{ input: '$(tasks.a.results.arr[*])', operator: 'in', values: ['["x","y"]'] }] })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.skippedTasks).toEqual([]);
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-a', 'pr-b']);
  });

  it('retries each matrix TaskRun independently', async () => {
    const fake = fakeEngine({ m: { fail: 1 } });
    const spec: PipelineSpec = { tasks: [task('m', { retries: 1, matrix: { params: [{ name: 'x', value: ['1', '2'] }] } })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(fake.calls.map((c) => `${c.name}#${c.retryCount}`).sort()).toEqual(['pr-m-0#0', 'pr-m-0#1', 'pr-m-1#0', 'pr-m-1#1']);
    expect(st.conditions[0]?.reason).toBe('Succeeded');
  });
});
