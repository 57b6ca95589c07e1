import type { ContainerFields, Resource, Volume } from './meta.js';

/** A param value: string, array of strings, or object of strings. */
export type ParamValue = string | string[] | Record<string, string>;
export type ParamType = 'string' | 'array' | 'object';

export interface PropertySpec {
  type?: 'string';
}

export interface ParamSpec {
  name: string;
  type?: ParamType;
  description?: string;
  default?: ParamValue;
  properties?: Record<string, PropertySpec>;
  enum?: string[];
}

export interface Param {
  name: string;
  value: ParamValue;
}

export interface TaskResult {
  name: string;
  type?: ParamType;
  description?: string;
  properties?: Record<string, PropertySpec>;
  /** For results taken from a step result: `$(steps.<step>.results.<name>)`. */
  value?: ParamValue;
}

export interface StepResult {
  name: string;
  type?: ParamType;
  description?: string;
  properties?: Record<string, PropertySpec>;
}

export interface WorkspaceDeclaration {
  name: string;
  description?: string;
  mountPath?: string;
  readOnly?: boolean;
  optional?: boolean;
}

export interface WorkspaceUsage {
  name: string;
  /** Absent: the workspace's own mountPath (examples/v1/taskruns/beta/workspace-isolation.yaml). */
  mountPath?: string;
}

export interface StepOutputConfig {
  path?: string;
}

export interface Step extends ContainerFields {
  name?: string;
  script?: string;
  timeout?: string;
  onError?: 'continue' | 'stopAndFail';
  workspaces?: WorkspaceUsage[];
  results?: StepResult[];
  stdoutConfig?: StepOutputConfig;
  stderrConfig?: StepOutputConfig;
  /** A StepAction reference. */
  ref?: { name?: string; resolver?: string; params?: Param[] };
  params?: Param[];
  when?: WhenExpression[];
}

export interface Sidecar extends ContainerFields {
  script?: string;
  workspaces?: WorkspaceUsage[];
}

export type StepTemplate = ContainerFields;

export interface TaskSpec {
  description?: string;
  displayName?: string;
  params?: ParamSpec[];
  steps?: Step[];
  stepTemplate?: StepTemplate;
  sidecars?: Sidecar[];
  volumes?: Volume[];
  workspaces?: WorkspaceDeclaration[];
  results?: TaskResult[];
}

export interface WhenExpression {
  input?: string;
  operator?: 'in' | 'notin';
  values?: string[];
  cel?: string;
}

export interface TaskRef {
  name?: string;
  kind?: string;
  apiVersion?: string;
  resolver?: string;
  params?: Param[];
  bundle?: string;
}

export interface PipelineRef {
  name?: string;
  resolver?: string;
  params?: Param[];
  bundle?: string;
}

export interface WorkspacePipelineTaskBinding {
  name: string;
  workspace?: string;
  subPath?: string;
}

export interface Matrix {
  params?: Param[];
  include?: { name?: string; params?: Param[] }[];
}

export interface PipelineTask {
  name: string;
  displayName?: string;
  description?: string;
  taskRef?: TaskRef;
  /** An embedded task spec; `apiVersion`/`kind` mark a custom task. */
  taskSpec?: TaskSpec & { apiVersion?: string; kind?: string; metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
  pipelineRef?: PipelineRef;
  pipelineSpec?: PipelineSpec;
  runAfter?: string[];
  params?: Param[];
  matrix?: Matrix;
  workspaces?: WorkspacePipelineTaskBinding[];
  when?: WhenExpression[];
  retries?: number;
  timeout?: string;
  onError?: 'continue' | 'stopAndFail';
}

export interface PipelineResult {
  name: string;
  type?: ParamType;
  description?: string;
  value: ParamValue;
}

export interface PipelineWorkspaceDeclaration {
  name: string;
  description?: string;
  optional?: boolean;
}

export interface PipelineSpec {
  description?: string;
  displayName?: string;
  params?: ParamSpec[];
  tasks?: PipelineTask[];
  finally?: PipelineTask[];
  workspaces?: PipelineWorkspaceDeclaration[];
  results?: PipelineResult[];
}

/** How a run binds a workspace. */
export interface WorkspaceBinding {
  name: string;
  subPath?: string;
  emptyDir?: Record<string, unknown>;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  volumeClaimTemplate?: Record<string, unknown>;
  configMap?: { name: string; items?: unknown[] };
  secret?: { secretName: string; items?: unknown[] };
  projected?: Record<string, unknown>;
  csi?: { driver: string };
}

export interface TaskRunSpec {
  taskRef?: TaskRef;
  taskSpec?: TaskSpec;
  params?: Param[];
  workspaces?: WorkspaceBinding[];
  serviceAccountName?: string;
  timeout?: string;
  retries?: number;
  status?: 'TaskRunCancelled';
  statusMessage?: string;
  podTemplate?: Record<string, unknown>;
  stepSpecs?: { name: string; computeResources?: unknown }[];
  sidecarSpecs?: { name: string; computeResources?: unknown }[];
  computeResources?: unknown;
}

export interface PipelineTaskRunSpec {
  pipelineTaskName: string;
  serviceAccountName?: string;
  podTemplate?: Record<string, unknown>;
  stepSpecs?: { name: string; computeResources?: unknown }[];
  sidecarSpecs?: { name: string; computeResources?: unknown }[];
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  computeResources?: unknown;
  timeout?: string;
}

export interface TimeoutFields {
  pipeline?: string;
  tasks?: string;
  finally?: string;
}

export interface PipelineRunSpec {
  pipelineRef?: PipelineRef;
  pipelineSpec?: PipelineSpec;
  params?: Param[];
  workspaces?: WorkspaceBinding[];
  timeouts?: TimeoutFields;
  taskRunTemplate?: { serviceAccountName?: string; podTemplate?: Record<string, unknown> };
  taskRunSpecs?: PipelineTaskRunSpec[];
  status?: 'Cancelled' | 'CancelledRunFinally' | 'StoppedRunFinally' | 'PipelineRunPending';
}

export interface StepActionSpec {
  description?: string;
  image?: string;
  command?: string[];
  args?: string[];
  script?: string;
  env?: ContainerFields['env'];
  workingDir?: string;
  params?: ParamSpec[];
  results?: StepResult[];
  volumeMounts?: ContainerFields['volumeMounts'];
  securityContext?: Record<string, unknown>;
}

/** A Kubernetes-style condition, as in Tekton's status. */
export interface Condition {
  type: 'Succeeded';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export type TektonVersion = 'tekton.dev/v1' | 'tekton.dev/v1beta1' | 'tekton.dev/v1alpha1';
export type Task = Resource<TektonVersion, 'Task', TaskSpec>;
export type Pipeline = Resource<TektonVersion, 'Pipeline', PipelineSpec>;
export type TaskRun = Resource<TektonVersion, 'TaskRun', TaskRunSpec>;
export type PipelineRun = Resource<TektonVersion, 'PipelineRun', PipelineRunSpec>;
export type StepAction = Resource<'tekton.dev/v1beta1' | 'tekton.dev/v1alpha1', 'StepAction', StepActionSpec>;
