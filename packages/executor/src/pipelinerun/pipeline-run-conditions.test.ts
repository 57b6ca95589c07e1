/**
 * The PipelineRun's intermediate conditions (`pipelinerun-condition` events), scheduling-time matrix
 * checks, and runtime fan-out, against a FAKE executeTaskRun (unit level).
 */
import type { Condition, PipelineSpec, PipelineTask } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import type { PipelineRunRequest, RunEvent, } from '../contracts.js';
import { fakeEngine, request } from '../../test/fake-task-runs.js';
import { executePipelineRun } from './pipeline-run.js';

const task = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({
  name,
  taskSpec: { params: [{ name: 'x', default: '' }], results: [{ name: 'out' }, { name: 'arr', type: 'array' }], steps: [{ name: 's', image: 'busybox', script: 'true' }] },
  ...extra,
});

type Seen = { status: Condition['status']; reason: string | undefined; message: string | undefined };

async function conditionsOf(req: PipelineRunRequest): Promise<Seen[]> {
  const seen: Seen[] = [];
  await executePipelineRun(req, {
    onEvent: (e: RunEvent) => {
      if (e.type === 'pipelinerun-condition' && e.pipelineRun === req.name) seen.push({ status: e.condition.status, reason: e.condition.reason, message: e.condition.message });
    },
  });
  return seen;
}

/** The reasons in order, consecutive repeats (message-only changes) collapsed. */
const reasons = (cs: { reason?: string | undefined }[]) => cs.map((c) => c.reason).filter((r, i, all) => i === 0 || all[i - 1] !== r);

describe('pipelinerun-condition events', () => {
  it('go Running with Incomplete counts, then the final condition', async () => {
    const fake = fakeEngine({ a: { delayMs: 20 }, b: { delayMs: 20 } });
    const seen = await conditionsOf(request({ tasks: [task('a'), task('b', { runAfter: ['a'] })] }, fake.execute));
    expect(seen).toEqual([
      { status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0' },
      { status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 0' },
      { status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0' },
    ]);
  });

  it('go PipelineRunStopping once a task failed and no finally task is left', async () => {
    const fake = fakeEngine({ bad: { fail: Infinity }, slow: { delayMs: 150 } });
    const seen = await conditionsOf(request({ tasks: [task('bad'), task('slow'), task('after', { runAfter: ['bad'] })] }, fake.execute));
    expect(reasons(seen)).toEqual(['Running', 'PipelineRunStopping', 'Failed']);
    // `after` is skipped (PipelineRun was stopping) in the same pass that notices the failure
    expect(seen.find((c) => c.reason === 'PipelineRunStopping')?.message).toBe('Tasks Completed: 1 (Failed: 1, Cancelled 0), Incomplete: 1, Skipped: 1');
  });

  it('stay Running after a failure while finally tasks remain (checkFinalTasksDone)', async () => {
    const fake = fakeEngine({ bad: { fail: Infinity }, fin: { delayMs: 50 } });
    const seen = await conditionsOf(request({ tasks: [task('bad')], finally: [task('fin')] }, fake.execute));
    expect(reasons(seen)).toEqual(['Running', 'Failed']);
  });

  it('go CancelledRunningFinally while finally runs after a graceful cancel', async () => {
    const ac = new AbortController();
    const fake = fakeEngine({ a: { delayMs: 100 }, fin: { delayMs: 100 } });
    setTimeout(() => ac.abort('CancelledRunFinally'), 20);
    const seen = await conditionsOf(request({ tasks: [task('a')], finally: [task('fin')] }, fake.execute, { signal: ac.signal }));
    expect(reasons(seen)).toEqual(['Running', 'CancelledRunningFinally', 'Cancelled']);
  });

  it('go PipelineRunTimeout as soon as the pipeline timeout fires', async () => {
    const fake = fakeEngine({ a: { delayMs: 300 } });
    const seen = await conditionsOf(request({ tasks: [task('a')] }, fake.execute, { timeouts: { pipelineMs: 50 } }));
    expect(reasons(seen)).toEqual(['Running', 'PipelineRunTimeout']);
    expect(seen.at(-1)?.message).toBe('PipelineRun "pr" failed to finish within "50ms"');
  });

  it('emit the early failure condition when the run cannot start', async () => {
    const fake = fakeEngine({});
    const seen = await conditionsOf(request({ params: [{ name: 'p' }], tasks: [task('a')] }, fake.execute));
    expect(seen.map((c) => c.reason)).toEqual(['ParameterMissing']);
  });
});

describe('matrix at scheduling time', () => {
  it('fails with InvalidMatrixParameterTypes (Go %!w(MISSING) included) when a matrix param is not an array', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = { params: [{ name: 's', default: 'one' }], tasks: [task('m', { matrix: { params: [{ name: 'x', value: '$(params.s)' }] } })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidMatrixParameterTypes',
      message: '[User error] Failed to validate matrix "parameters of type array only are allowed, but param x has type string" with error %!w(MISSING)',
    });
    expect(fake.calls).toEqual([]);
  });

  it('fails with InvalidParamValue before creating the TaskRuns of a pipeline task whose param is not in the enum', async () => {
    const fake = fakeEngine({});
    const spec: PipelineSpec = {
      tasks: [
        task('ok'),
        {
          name: 'picky',
          runAfter: ['ok'],
          matrix: { params: [{ name: 'mode', value: ['fast', 'warp'] }] },
          taskSpec: { params: [{ name: 'mode', enum: ['fast', 'slow'] }], steps: [{ name: 's', image: 'busybox', script: 'true' }] },
        },
      ],
    };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidParamValue',
      message: '[User error] Invalid param value from PipelineTask "picky": param `mode` value: warp is not in the enum list',
    });
    expect(fake.calls.map((c) => c.name)).toEqual(['pr-ok']);
  });

  it('fans out a results-fed matrix past 256 combinations (Tekton checks the limit only before substitution)', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `v${i}`);
    const fake = fakeEngine({ gen: { results: { arr: many } } });
    const spec: PipelineSpec = { tasks: [task('gen'), task('fan', { matrix: { params: [{ name: 'x', value: '$(tasks.gen.results.arr[*])' }] } })] };
    const st = await executePipelineRun(request(spec, fake.execute), {});
    expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(fake.calls.filter((c) => c.pipelineRun?.pipelineTaskName === 'fan')).toHaveLength(300);
  });
});
