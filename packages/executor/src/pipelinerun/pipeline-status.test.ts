import { describe, expect, it } from 'vitest';
import { finalCondition, SkipReason, tasksMessage } from './pipeline-status.js';
import { formatGoDuration as formatDuration, parseGoDuration as parseDuration } from '@plumbing/model';

describe('finalCondition', () => {
  it('is Succeeded when every task succeeded', () => {
    expect(finalCondition([{ outcome: 'succeeded' }, { outcome: 'succeeded' }], { pipelineRunName: 'pr' })).toEqual({
      type: 'Succeeded',
      status: 'True',
      reason: 'Succeeded',
      message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0',
    });
  });

  it('is Completed with a skipped task and Succeeded with an ignored failure', () => {
    expect(finalCondition([{ outcome: 'succeeded' }, { outcome: 'skipped', skipReason: SkipReason.WhenExpressions }], { pipelineRunName: 'pr' }).reason).toBe('Completed');
    expect(finalCondition([{ outcome: 'ignored' }, { outcome: 'succeeded' }], { pipelineRunName: 'pr' })).toEqual({
      type: 'Succeeded',
      status: 'True',
      reason: 'Succeeded',
      message: 'Tasks Completed: 2 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 0',
    });
  });

  it('is Failed when a task failed or a task was skipped by a timeout', () => {
    expect(finalCondition([{ outcome: 'failed' }, { outcome: 'skipped', skipReason: SkipReason.Stopping }], { pipelineRunName: 'pr' })).toEqual({
      type: 'Succeeded',
      status: 'False',
      reason: 'Failed',
      message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 1',
    });
    expect(finalCondition([{ outcome: 'skipped', skipReason: SkipReason.TasksTimedOut }], { pipelineRunName: 'pr' }).reason).toBe('Failed');
  });

  it('reports validation failures with their message', () => {
    expect(
      finalCondition(
        [
          { outcome: 'succeeded' },
          { outcome: 'validationFailed', validationMessage: 'task "task1" completed successfully but did not emit the result "result2", which is referenced by task "task2"' },
        ],
        { pipelineRunName: 'pr' },
      ),
    ).toEqual({
      type: 'Succeeded',
      status: 'False',
      reason: 'PipelineValidationFailed',
      message:
        'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0, Failed Validation: 1 (task "task1" completed successfully but did not emit the result "result2", which is referenced by task "task2")',
    });
  });

  it('reports timeouts and cancellation', () => {
    expect(finalCondition([{ outcome: 'cancelled' }], { pipelineRunName: 'pr', pipelineTimedOutMs: 3_600_000 }).message).toBe('PipelineRun "pr" failed to finish within "1h0m0s"');
    expect(finalCondition([{ outcome: 'cancelled' }], { pipelineRunName: 'pr', tasksTimedOutMs: 90_000 }).message).toBe(
      'PipelineRun "pr" failed due to tasks failed to finish within "1m30s"',
    );
    expect(finalCondition([{ outcome: 'cancelled' }], { pipelineRunName: 'pr' })).toMatchObject({ status: 'False', reason: 'Cancelled' });
    expect(finalCondition([{ outcome: 'succeeded' }], { pipelineRunName: 'pr', graceful: true })).toMatchObject({
      reason: 'Cancelled',
      message: 'PipelineRun "pr" was cancelled',
    });
    expect(tasksMessage([{ outcome: 'cancelled' }, { outcome: 'failed' }])).toBe('Tasks Completed: 2 (Failed: 1, Cancelled 1), Skipped: 0');
  });
});

describe('durations', () => {
  it('parses and formats Go durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('10x')).toBeUndefined();
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(1500)).toBe('1.5s');
  });
});
