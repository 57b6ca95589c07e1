/**
 * The seam between the TaskRun engine (task-run*.ts, step runtime) and the PipelineRun engine
 * (pipeline*.ts). Both halves build against these types; change them only additively and in
 * agreement.
 */
import type { Artifact, Artifacts, Condition, FeatureFlags, ImageConfig, ParamValue, ResourceDoc, TaskSpec, Volume } from '@plumbing/model';
import type { StepImages } from './step/step-images.js';

/** A workspace as the TaskRun engine receives it: already a host directory. */
export interface ResolvedWorkspace {
  name: string;
  /** Host directory (subPath already applied). Absent for an unbound optional workspace. */
  hostPath?: string;
  readOnly?: boolean;
  /** What `$(workspaces.x.claim)` / `.volume` resolve to. */
  claim?: string;
  volume?: string;
}

export interface ResolvedParam {
  name: string;
  value: ParamValue;
}

/** Everything needed to execute one TaskRun (one attempt). */
export interface TaskRunRequest {
  /** TaskRun metadata.name (for a pipeline task: `<pipelinerun>-<pipelinetask>` or with matrix index). */
  name: string;
  namespace: string;
  uid: string;
  /** Referenced Task's name; undefined for an embedded taskSpec (then context.task.name = TaskRun name). */
  taskName?: string;
  /** The task spec with StepActions not yet inlined. */
  spec: TaskSpec;
  params: ResolvedParam[];
  workspaces: ResolvedWorkspace[];
  /** undefined = Tekton's default (60m); 0 = no timeout. */
  timeoutMs?: number;
  /** Retry attempt number, 0-based ($(context.task.retry-count)). */
  retryCount: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Set when the TaskRun belongs to a PipelineRun. */
  pipelineRun?: { name: string; namespace: string; uid: string; pipelineName: string; pipelineTaskName: string };
  serviceAccountName?: string;
  /** Directory where this TaskRun's logs are written (one file per step). */
  logDir: string;
  /** Cancels the TaskRun (Ctrl-C, pipeline timeout, pipeline cancellation). */
  signal: AbortSignal;
  /** Why the signal aborted, to pick the status reason: 'Cancelled' | 'TimedOut' (pipeline-level). */
  /** (Read from `signal.reason`: the string 'TimedOut' means the owning PipelineRun timed out; anything else is a cancellation.) */
  /** Resolves `steps[].ref` StepActions by name (additive; without it a StepAction ref fails the run). */
  resolver?: Pick<Resolver, 'stepAction'>;
  /** The ConfigMaps, Secrets and ServiceAccounts the run sees (those of the -f files): volumes, env, envFrom, credentials. */
  objects?: readonly ResourceDoc[];
  /** `spec.podTemplate.volumes`: volumes of the pod that steps may mount besides the Task's own. */
  podVolumes?: Volume[];
}

export interface StepState {
  name: string;
  container: string;
  /** `<reference>@<manifest digest>` of the pulled image the step ran in (absent: the host's tools). */
  imageID?: string;
  terminated?: { exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string };
  running?: { startedAt: string };
  waiting?: { reason: string };
  /** Tekton's step terminationReason: Completed | Continued | Skipped | TimeoutExceeded | TaskRunTimeout | TaskRunCancelled | Error. */
  terminationReason?: string;
  /** Step artifacts (`$(step.artifacts.path)` provenance.json), when written. */
  inputs?: Artifact[];
  outputs?: Artifact[];
  /** Step results (name → value as Tekton stores it: a string, or JSON for arrays/objects). */
  results?: { name: string; type: 'string' | 'array' | 'object'; value: ParamValue }[];
}

export interface TaskRunResultValue {
  name: string;
  type: 'string' | 'array' | 'object';
  value: ParamValue;
}

/** In the shape of Tekton's TaskRun status. */
export interface TaskRunStatus {
  conditions: Condition[];
  podName: string;
  startTime?: string;
  completionTime?: string;
  steps: StepState[];
  /** Tekton's status.sidecars (SidecarState), when the Task has sidecars. */
  sidecars?: SidecarState[];
  results: TaskRunResultValue[];
  retriesStatus?: TaskRunStatus[];
  taskSpec?: TaskSpec;
  /** Task-level artifacts (`$(artifacts.path)` provenance.json), when written. */
  artifacts?: Artifacts;
}

/** Events for the live view and the log prefixes. */
export type RunEvent =
  | { type: 'taskrun-start'; taskRun: string; pipelineTask?: string; at: string }
  /** `runsIn`: the pulled image the step runs in, `<ref>@sha256:<12 hex> (pulled|cached)`; absent with the host's tools. */
  | { type: 'step-start'; taskRun: string; step: string; image?: string; runsIn?: string; at: string }
  | { type: 'step-output'; taskRun: string; step: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'step-end'; taskRun: string; step: string; exitCode: number; reason: string; at: string }
  | { type: 'taskrun-end'; taskRun: string; pipelineTask?: string; succeeded: Condition['status']; reason: string; at: string }
  | { type: 'pipelinetask-skipped'; pipelineRun: string; pipelineTask: string; reason: string; at: string }
  /** A pipeline task not run again on a retry (additive): its succeeded TaskRuns of run `from` stand for it. */
  | { type: 'pipelinetask-reused'; pipelineRun: string; pipelineTask: string; from: string; taskRuns: string[]; at: string }
  /**
   * The PipelineRun's `Succeeded` condition changed (additive): `Unknown` with Running,
   * PipelineRunStopping, CancelledRunningFinally or StoppedRunningFinally while it runs, then the
   * final True/False one. Child PipelineRuns (pipelines in pipelines) emit their own, under their name.
   */
  | { type: 'pipelinerun-condition'; pipelineRun: string; condition: Condition; at: string }
  | { type: 'warning'; message: string };

export interface ExecOptions {
  /** Emit live events. */
  onEvent?: (e: RunEvent) => void;
  /** Use bubblewrap when available (default true); false forces the unsandboxed path. */
  sandbox?: boolean;
  /** Clock, for tests. */
  now?: () => Date;
  /** Result extraction mode (Tekton's `results-from` flag): default 'termination-message' (whole per-step message <= 4096 bytes); 'sidecar-logs' checks each result against maxResultSize. */
  resultsFrom?: 'termination-message' | 'sidecar-logs';
  /** `max-result-size` for 'sidecar-logs' (default 4096). */
  maxResultSize?: number;
  /** Tekton's feature flags (`.plumbing.yaml` run.cluster / run.featureFlags); they win over resultsFrom and maxResultSize. */
  featureFlags?: FeatureFlags;
  /** The repository's image configs for steps without command run with the host's tools (`.plumbing.yaml` run.imageConfigs). */
  imageConfigs?: Readonly<Record<string, ImageConfig>>;
  /** Keep the TaskRun's private directory (/tekton/*, implicit /workspace) after the run, for debugging. */
  keepRunDir?: boolean;
  /** Tools an image provides that the host does not have under its usual name (see ImageTool). */
  imageTools?: readonly ImageTool[];
  /** Run steps in their pulled images (`--images`); without it, with the host's tools. */
  images?: StepImages;
}

/**
 * What a step of a given image finds that the host's PATH does not give it: for this project's
 * own CLI image, the running `plumbing` (an image is shown, not pulled; its content must come
 * from somewhere on this machine).
 */
export interface ImageTool {
  /** The image name without tag or digest, e.g. `ghcr.io/plumbing-dev/plumbing`. */
  image: string;
  /** A host directory of executables, first on the step's PATH. */
  binDir: string;
  /** Host directories those executables need, bound read-only at the same paths in the sandbox. */
  mounts: readonly string[];
}

/** Implemented by the TaskRun engine. */
export type ExecuteTaskRun = (req: TaskRunRequest, opts: ExecOptions) => Promise<TaskRunStatus>;

/** How a run binds a workspace, resolved for the host. */
export interface HostWorkspaceBinding {
  name: string;
  /** A host directory given by the user (`-w name=DIR`), or a temp dir for emptyDir/volumeClaimTemplate. */
  hostPath?: string;
  kind: 'hostDir' | 'emptyDir' | 'volumeClaimTemplate' | 'persistentVolumeClaim' | 'configMap' | 'secret' | 'projected' | 'csi';
  subPath?: string;
  readOnly?: boolean;
  claim?: string;
}

/** Resolves references while running (Tasks, Pipelines, StepActions by name, from the files then the repository). */
export interface Resolver {
  task(name: string, kind?: string): { name: string; spec: TaskSpec } | undefined;
  pipeline(name: string): { name: string; spec: import('@plumbing/model').PipelineSpec } | undefined;
  stepAction(name: string): { name: string; spec: import('@plumbing/model').StepActionSpec } | undefined;
}

export interface PipelineRunRequest {
  name: string;
  namespace: string;
  uid: string;
  pipelineName?: string;
  spec: import('@plumbing/model').PipelineSpec;
  params: ResolvedParam[];
  workspaces: HostWorkspaceBinding[];
  timeouts?: { pipelineMs?: number; tasksMs?: number; finallyMs?: number };
  /** taskRunSpecs / taskRunTemplate, passed through. */
  taskRunSpecs?: import('@plumbing/model').PipelineTaskRunSpec[];
  /** The ConfigMaps, Secrets and ServiceAccounts its TaskRuns see (TaskRunRequest.objects). */
  objects?: readonly ResourceDoc[];
  serviceAccountName?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Run directory: `<runDir>/<taskrun>/<step>.log`. */
  runDir: string;
  /**
   * Cancels the PipelineRun. `signal.reason` picks the kind, as spec.status would:
   * 'CancelledRunFinally' (cancel running tasks, run finally), 'StoppedRunFinally' (let running
   * tasks finish, run finally); anything else cancels everything at once ('Cancelled').
   */
  signal: AbortSignal;
  /** Max TaskRuns at once (default: number of cores). */
  parallel?: number;
  resolver: Resolver;
  executeTaskRun: ExecuteTaskRun;
  /**
   * A retry (additive): pipeline tasks that succeeded in an earlier run and are not run again.
   * They start done and succeeded, with those TaskRuns and their results (`$(tasks.X.results.Y)`).
   */
  reused?: ReusedTask[];
}

/** A pipeline task of an earlier run that a retry keeps (runs/retry.ts decides which). */
export interface ReusedTask {
  pipelineTaskName: string;
  /** The run they ran in. */
  from: string;
  /** Its TaskRuns as recorded in that run (one per matrix combination), all succeeded. */
  taskRuns: ChildTaskRun[];
}

export interface ChildTaskRun {
  name: string;
  pipelineTaskName: string;
  status: TaskRunStatus;
  /** Not run in this PipelineRun: reused from the run of that name (a retry). Not in Tekton's status. */
  reusedFrom?: string;
}

/** In the shape of Tekton's PipelineRun status. */
export interface PipelineRunStatus {
  conditions: Condition[];
  startTime?: string;
  completionTime?: string;
  childReferences: { kind: 'TaskRun' | 'PipelineRun'; name: string; pipelineTaskName: string }[];
  results: { name: string; value: ParamValue }[];
  skippedTasks: { name: string; reason: string; whenExpressions?: unknown[] }[];
  /** The child TaskRuns' statuses, by TaskRun name (not in Tekton's status; kept for the local record). */
  taskRuns: ChildTaskRun[];
  pipelineSpec?: import('@plumbing/model').PipelineSpec;
  /** Child PipelineRuns of pipelines-in-pipelines, by name (not in Tekton's status; kept for the local record). */
  pipelineRuns?: { name: string; pipelineTaskName: string; status: PipelineRunStatus }[];
}

export type ExecutePipelineRun = (req: PipelineRunRequest, opts: ExecOptions) => Promise<PipelineRunStatus>;

/** One sidecar in a TaskRun's status.sidecars (Tekton's SidecarState). */
export interface SidecarState {
  name: string;
  container: string;
  imageID?: string;
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string };
}
