/**
 * Results under `results-from: sidecar-logs` (internal/sidecarlogresults): the results sidecar
 * prints one JSON line per task result and step result, `{"name","value","type"}` (json.Encoder,
 * HTML-escaped), and the controller refuses a line longer than `max-result-size`: the TaskRun
 * fails with TaskRunResultLargerThanAllowedLimit (taskrun.go, on ErrSizeExceeded). The limit is
 * on the line, so a value must be somewhat smaller than the limit.
 */
import { goString } from './artifacts.js';

export interface SidecarLogResult {
  /** The task result's name, or `<step container>.<result>` for a step result. */
  name: string;
  value: string;
  type: 'task' | 'step';
}

/** The byte length of the line the sidecar prints for a result (without its newline). */
export function sidecarLogLineLength(r: SidecarLogResult): number {
  return Buffer.byteLength(`{"name":${goString(r.name)},"value":${goString(r.value)},"type":${goString(r.type)}}`);
}

/** The first result whose line exceeds `limit` (the sidecar's order is not fixed; this takes the given order), with its line length. */
export function firstOversizedResult(results: readonly SidecarLogResult[], limit: number): { result: SidecarLogResult; length: number } | undefined {
  for (const result of results) {
    const length = sidecarLogLineLength(result);
    if (length > limit) return { result, length };
  }
  return undefined;
}

/** The TaskRun's condition message for an oversized result (taskrun.go: `%s TaskRun \"%q\" failed: %s` with the sidecarlogresults error). */
export function oversizedResultMessage(taskRun: string, length: number, limit: number): string {
  return `[User error] TaskRun "${JSON.stringify(taskRun)}" failed: ${length} bytes results size exceeds configured limit of ${limit} bytes`;
}
