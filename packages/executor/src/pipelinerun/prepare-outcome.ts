/** What preparing a PipelineRun yields: its tasks resolved and substituted, or the first failure (Tekton's reason and message). */
import type { Dag, ParamValue, PipelineSpec, PipelineTask, TaskSpec } from '@plumbing/model';

export interface PreparedTask {
  /** The pipeline task after the params, context and workspaces stages. */
  pt: PipelineTask;
  isFinally: boolean;
  /** For a Task: its spec (embedded: already propagated) and the referenced Task's name. */
  task?: { spec: TaskSpec; name?: string };
  /**
   * For a pipeline in a pipeline. `propagated`: for an embedded pipelineSpec, the parent's params in
   * scope (§2.1 applied to pipelineSpec as to taskSpec), also passed to the child PipelineRun.
   */
  pipeline?: { spec: PipelineSpec; name?: string; propagated?: Map<string, ParamValue> };
}

export type PrepareOutcome =
  | { ok: true; dag: Dag; tasks: PreparedTask[]; params: Map<string, ParamValue>; context: Map<string, string> }
  | { ok: false; reason: string; message: string };

export type Fail = Extract<PrepareOutcome, { ok: false }>;

export function fail(reason: string, message: string): Fail {
  return { ok: false, reason, message };
}

export function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

