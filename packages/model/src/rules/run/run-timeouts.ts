/** The run timeout rules; durations are Go's (tekton/duration.ts). */
import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import { parseGoDuration } from '../../tekton/duration.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';

/** Reports a timeout that is not a duration or is negative; returns its value in ms when valid. */
export function checkDuration(ctx: DocContext, v: unknown, path: NodePath, what: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') {
    ctx.report('RUN_TIMEOUTS', path, `${what} must be a duration string such as "1h30m"`);
    return undefined;
  }
  if (v.includes('$(')) return undefined;
  const ms = parseGoDuration(v);
  if (ms === undefined) {
    ctx.report('RUN_TIMEOUTS', path, `invalid ${what} "${v}": not a duration (use units h, m, s, e.g. "1h30m")`);
    return undefined;
  }
  if (ms < 0) {
    ctx.report('RUN_TIMEOUTS', path, `invalid ${what} "${v}": should be >= 0`);
    return undefined;
  }
  return ms;
}

const DEFAULT_PIPELINE_MS = 60 * 60_000;

/** PipelineRun `spec.timeouts` (pipeline/tasks/finally), the deprecated `spec.timeout`, and taskRunSpecs timeouts. */
export function checkPipelineRunTimeouts(ctx: DocContext, spec: JsonMap): void {
  const t = spec.timeouts;
  if (spec.timeout !== undefined) checkDuration(ctx, spec.timeout, ['spec', 'timeout'], 'timeout');
  if (spec.timeout !== undefined && t !== undefined) {
    ctx.report('RUN_TIMEOUTS', ['spec', 'timeout'], 'spec.timeout and spec.timeouts cannot both be set', { key: true, hint: 'use spec.timeouts.pipeline' });
  }
  let pipeline = DEFAULT_PIPELINE_MS;
  if (isMap(t)) {
    const p = checkDuration(ctx, t.pipeline, ['spec', 'timeouts', 'pipeline'], 'timeouts.pipeline');
    if (p !== undefined) pipeline = p;
    else if (t.pipeline !== undefined) pipeline = Number.NaN;
    const tasks = checkDuration(ctx, t.tasks, ['spec', 'timeouts', 'tasks'], 'timeouts.tasks');
    const fin = checkDuration(ctx, t.finally, ['spec', 'timeouts', 'finally'], 'timeouts.finally');
    if (!Number.isNaN(pipeline) && pipeline !== 0) {
      const over = (v: number | undefined, k: string) => {
        if (v === undefined) return false;
        if (v === 0) ctx.report('RUN_TIMEOUTS', ['spec', 'timeouts', k], `timeouts.${k} is 0 (no timeout) but timeouts.pipeline is not`, { hint: 'a 0 timeout is only allowed when timeouts.pipeline is 0' });
        else if (v > pipeline) ctx.report('RUN_TIMEOUTS', ['spec', 'timeouts', k], `timeouts.${k} should be <= pipeline duration`);
        else return false;
        return true;
      };
      const bad = over(tasks, 'tasks') || over(fin, 'finally');
      if (!bad && tasks !== undefined && fin !== undefined && tasks + fin > pipeline) {
        ctx.report('RUN_TIMEOUTS', ['spec', 'timeouts', 'tasks'], 'timeouts.tasks + timeouts.finally should be <= pipeline duration');
      }
    }
  } else if (t !== undefined && t !== null) {
    ctx.report('RUN_TIMEOUTS', ['spec', 'timeouts'], 'spec.timeouts must be a map with pipeline, tasks and finally');
  }
  for (const [s, i] of mapsOf(spec.taskRunSpecs)) {
    const v = checkDuration(ctx, s.timeout, ['spec', 'taskRunSpecs', i, 'timeout'], 'taskRunSpecs timeout');
    if (v !== undefined && !Number.isNaN(pipeline) && pipeline !== 0 && v > pipeline) {
      ctx.report('RUN_TIMEOUTS', ['spec', 'taskRunSpecs', i, 'timeout'], 'a taskRunSpecs timeout should be <= the pipeline timeout');
    }
  }
}
