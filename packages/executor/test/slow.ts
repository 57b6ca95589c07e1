/**
 * Timeouts for tests that run real processes. Their wall time grows with the machine's load (a
 * TaskRun forks at least one process, and on two busy cores a fork alone can take 50 ms), so
 * none of them relies on vitest's default 30 s: each takes a generous explicit budget that scales
 * with the work it does. These are ceilings against hangs, never expectations of speed.
 */

/** One test that runs a handful of TaskRuns (a few real processes each). */
export const REAL_PROCESS_TIMEOUT_MS = 300_000;

/** A test that runs `taskRuns` TaskRuns: the base budget plus 2 s per TaskRun (the 257-way matrix fixture: about 14 minutes). */
export function timeoutForTaskRuns(taskRuns: number): number {
  return REAL_PROCESS_TIMEOUT_MS + Math.max(0, taskRuns) * 2_000;
}
