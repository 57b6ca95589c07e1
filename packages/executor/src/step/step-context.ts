/** What a step runs with: its TaskRun's context, and the record of a step once it has run. */
import type { Artifacts, ImageConfig, ParamValue } from '@plumbing/model';
import type { ImageTool, RunEvent, StepState, TaskRunRequest } from '../contracts.js';
import type { SandboxInfo } from './sandbox.js';
import type { StepImages } from './step-images.js';
import type { HostTools } from './step-shell.js';
import type { PreparedStep, TaskPaths } from '../taskrun/task-prepare.js';

export interface StepContext {
  req: TaskRunRequest;
  /** The run's private host directory (Tekton's /tekton, the steps' private roots): on tmpfs when there is one. */
  root: string;
  /** Where the implicit /workspace and the task's emptyDir volumes live: on disk (they may hold a lot). */
  diskRoot: string;
  hostPaths: TaskPaths;
  sandbox: SandboxInfo | undefined;
  tools: HostTools;
  /** Tools images provide that the host has under other names (ExecOptions.imageTools). */
  imageTools?: readonly ImageTool[] | undefined;
  /** The repository's image configs (`.plumbing.yaml` run.imageConfigs), before the shipped table. */
  imageConfigs?: Readonly<Record<string, ImageConfig>> | undefined;
  /** Steps in their pulled images (ExecOptions.images); without it, the host's tools. */
  images?: StepImages | undefined;
  /** Aborted on TaskRun timeout or cancellation. */
  signal: AbortSignal;
  emit: (e: RunEvent) => void;
  now: () => string;
  podName: string;
}

export interface StepRecord {
  step: PreparedStep;
  state: StepState;
  stepResults?: { name: string; type: 'string' | 'array' | 'object'; value: ParamValue }[];
  /** The step's result files as written (name → text), which later steps' references read. */
  rawStepResults?: ReadonlyMap<string, string>;
  /** The step's provenance.json as written (it counts in the termination message). */
  artifactsText?: string;
  /** The step's artifacts (its provenance.json), as Tekton reads them. */
  artifacts?: Artifacts;
  /** The step failed the TaskRun (non-zero exit without continue, step timeout, missing tool). */
  failed?: boolean;
  failMessage?: string;
  /** Interrupted by the TaskRun timeout or cancellation. */
  aborted?: boolean;
}

