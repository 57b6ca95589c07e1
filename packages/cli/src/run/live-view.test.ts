import { describe, expect, it } from 'vitest';
import { LiveView } from './live-view.js';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-01T00:00:01.200Z';

describe('LiveView', () => {
  it('writes plain append-only lines and prefixed output when not a terminal', () => {
    let out = '';
    let clock = at;
    const v = new LiveView({ write: (s) => (out += s), tty: false, now: () => new Date(clock) });
    v.addRun('PipelineRun', 'pr');
    v.event('pr', { type: 'taskrun-start', taskRun: 'pr-build', pipelineTask: 'build', at });
    v.event('pr', { type: 'step-start', taskRun: 'pr-build', step: 'compile', at });
    v.event('pr', { type: 'step-output', taskRun: 'pr-build', step: 'compile', stream: 'stdout', text: 'line one\nline ' });
    v.event('pr', { type: 'step-output', taskRun: 'pr-build', step: 'compile', stream: 'stdout', text: 'two\npartial' });
    clock = later;
    v.event('pr', { type: 'step-end', taskRun: 'pr-build', step: 'compile', exitCode: 2, reason: 'Error', at: later });
    v.event('pr', { type: 'taskrun-end', taskRun: 'pr-build', pipelineTask: 'build', succeeded: 'False', reason: 'StepFailed', at: later });
    v.event('pr', { type: 'pipelinetask-skipped', pipelineRun: 'pr', pipelineTask: 'deploy', reason: 'PipelineRun was stopping', at: later });
    v.endRun('pr', 'False', 'Failed');
    v.finish();
    expect(out.split('\n')).toEqual([
      '● PipelineRun pr started',
      '  ● build started',
      '    ● build/compile running',
      '[build/compile] line one',
      '[build/compile] line two',
      '[build/compile] partial',
      '    ✗ build/compile Error (exit 2) 1.2s',
      '  ✗ build StepFailed 1.2s',
      '  - deploy skipped: PipelineRun was stopping',
      '✗ PipelineRun pr Failed 1.2s',
      '',
    ]);
  });

  it('redraws a block in place on a terminal, output above it', () => {
    const writes: string[] = [];
    let clock = at;
    const v = new LiveView({ write: (s) => writes.push(s), tty: true, throttleMs: 0, now: () => new Date(clock) });
    v.addRun('TaskRun', 'tr');
    v.event('tr', { type: 'taskrun-start', taskRun: 'tr', at });
    v.event('tr', { type: 'step-start', taskRun: 'tr', step: 's', at });
    clock = later;
    v.event('tr', { type: 'step-output', taskRun: 'tr', step: 's', stream: 'stdout', text: 'hello\n' });
    v.finish();
    const last = writes[writes.length - 1]!;
    expect(last.startsWith('\x1b[')).toBe(writes.length > 1);
    expect(v.lines()).toEqual(['● TaskRun tr  1.2s', '  ● tr  1.2s', '      ● s  1.2s']);
    expect(writes.join('')).toContain('[tr/s] hello\n');
  });

  it('compacts the block to the terminal height: finished tasks lose their steps, then are counted', () => {
    const v = new LiveView({ write: () => {}, tty: false, now: () => new Date(later) });
    v.addRun('PipelineRun', 'pr');
    for (const name of ['a', 'b', 'c']) {
      v.event('pr', { type: 'taskrun-start', taskRun: `pr-${name}`, pipelineTask: name, at });
      v.event('pr', { type: 'step-start', taskRun: `pr-${name}`, step: 's', at });
    }
    for (const name of ['a', 'b']) {
      v.event('pr', { type: 'step-end', taskRun: `pr-${name}`, step: 's', exitCode: 0, reason: 'Completed', at });
      v.event('pr', { type: 'taskrun-end', taskRun: `pr-${name}`, pipelineTask: name, succeeded: 'True', reason: 'Succeeded', at });
    }
    expect(v.lines()).toHaveLength(7);
    expect(v.lines(5)).toEqual(['● PipelineRun pr  0.0s', '  ✓ a Succeeded  0.0s', '  ✓ b Succeeded  0.0s', '  ● c  0.0s', '      ● s  0.0s']);
    expect(v.lines(4)).toEqual(['● PipelineRun pr  0.0s', '  ● c  0.0s', '      ● s  0.0s', '  ✓ 2 succeeded']);
    expect(v.lines(2)).toEqual(['● PipelineRun pr  0.0s', '… 3 more']);
  });
});
