import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskSpec } from '@plumbing/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, TaskRunRequest } from '../contracts.js';
import { executeTaskRun } from './task-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbing-task-run-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function request(spec: TaskSpec, extra: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return {
    name: 'tr',
    namespace: 'default',
    uid: 'u',
    spec,
    params: [],
    workspaces: [],
    retryCount: 0,
    labels: {},
    annotations: {},
    logDir: join(dir, 'logs'),
    signal: new AbortController().signal,
    ...extra,
  };
}

const clock = () => new Date('2026-01-02T03:04:05.678Z');

describe('executeTaskRun status', () => {
  it('reports a success in the TaskRun status shape, with events in order', async () => {
    const events: RunEvent[] = [];
    const status = await executeTaskRun(request({ steps: [{ name: 'hello', image: 'alpine', script: 'echo hi' }] }), { now: clock, sandbox: false, onEvent: (e) => events.push(e) });
    expect(status).toMatchObject({
      conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'All Steps have completed executing', lastTransitionTime: '2026-01-02T03:04:05Z' }],
      podName: 'tr-pod',
      startTime: '2026-01-02T03:04:05Z',
      completionTime: '2026-01-02T03:04:05Z',
      steps: [{ name: 'hello', container: 'step-hello', terminated: { exitCode: 0, reason: 'Completed' }, terminationReason: 'Completed' }],
      results: [],
    });
    expect(events.map((e) => e.type)).toEqual(['taskrun-start', 'step-start', 'step-output', 'step-end', 'taskrun-end']);
  });

  it('says a cancellation came from the PipelineRun timeout when the signal reason is TimedOut', async () => {
    const ac = new AbortController();
    ac.abort('TimedOut');
    const status = await executeTaskRun(
      request({ steps: [{ name: 's', image: 'alpine', script: 'true' }] }, { signal: ac.signal, pipelineRun: { name: 'pr', namespace: 'default', uid: 'u', pipelineName: 'p', pipelineTaskName: 't' } }),
      { sandbox: false },
    );
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunCancelled', message: 'TaskRun "tr" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has timed out.' });
    expect(status.steps[0]).toMatchObject({ terminated: { exitCode: 1, reason: 'TaskRunCancelled' } });
  });

  it('fails a result larger than max-result-size in sidecar-logs mode', async () => {
    const spec: TaskSpec = { results: [{ name: 'r' }], steps: [{ name: 's', image: 'alpine', script: 'head -c 100 /dev/zero > $(results.r.path)' }] };
    const status = await executeTaskRun(request(spec), { sandbox: false, resultsFrom: 'sidecar-logs', maxResultSize: 50 });
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunResultLargerThanAllowedLimit', message: '[User error] TaskRun ""tr"" failed: 637 bytes results size exceeds configured limit of 50 bytes' });
  });

  it('keeps results of a failed TaskRun', async () => {
    const spec: TaskSpec = { results: [{ name: 'r' }], steps: [{ name: 's', image: 'alpine', script: 'echo -n v > $(results.r.path); exit 5' }] };
    const status = await executeTaskRun(request(spec), { sandbox: false });
    expect(status.conditions[0]).toMatchObject({ reason: 'StepFailed', message: '"step-s" exited with code 5' });
    expect(status.results).toEqual([{ name: 'r', type: 'string', value: 'v' }]);
  });

  it('rejects a step without image and script together with command', async () => {
    expect((await executeTaskRun(request({ steps: [{ name: 's', script: 'true' }] }), { sandbox: false })).conditions[0]).toMatchObject({ reason: 'TaskRunValidationFailed' });
    expect((await executeTaskRun(request({ steps: [{ name: 's', image: 'a', script: 'true', command: ['x'] }] }), { sandbox: false })).conditions[0]).toMatchObject({
      reason: 'TaskRunValidationFailed',
      message: 'script cannot be used with command: steps[0].script',
    });
  });

  it('rejects a workspace binding the referenced Task does not declare', async () => {
    const status = await executeTaskRun(request({ steps: [{ image: 'a', script: 'true' }] }, { taskName: 't', workspaces: [{ name: 'extra', hostPath: dir }] }), { sandbox: false });
    expect(status.conditions[0]).toMatchObject({ reason: 'TaskRunValidationFailed', message: 'workspace binding "extra" does not match any declared workspace' });
  });
});
