export type { Finding, SeverityOrOff } from './check/finding.js';
export { formatFindingText } from './check/finding.js';
export { CODES } from './check/codes.js';
export type { ResourceDoc } from './yaml/source.js';
export { loadYaml } from './yaml/source.js';
export { formatGoDuration, parseGoDuration, parseHumanDuration } from './tekton/duration.js';
export { evaluateCel } from './tekton/cel.js';
export { evaluateWhen } from './tekton/when.js';
export type { Combination } from './tekton/matrix.js';
export { fanOut, hasEmptyMatrixParam, hasMatrix, MAX_MATRIX_COMBINATIONS, staticCombinationCount } from './tekton/matrix.js';
export type { Dag, DagResult } from './tekton/dag.js';
export { buildDag, topologicalOrder } from './tekton/dag.js';
export { paramTypeOf, paramValueMismatch, valueType } from './tekton/params.js';
export { undeclaredPipelineParams } from './tekton/pipeline-refs.js';
export { parseExpr, scanRefs } from './tekton/refs.js';
export { RepoIndex, catalogVersionDir, compareCatalogVersions } from './yaml/repo-index.js';
export { listYamlFiles, loadRepository } from './yaml/load.js';
export { CONFIG_FILE, loadRepoConfig } from './config.js';
export { checkIndex } from './check/check.js';
export { checkRepository } from './check/check-repository.js';
export type { JsonMap } from './yaml/values.js';
export { get, isMap, mapsOf } from './yaml/values.js';
export type { EnvVar, Resource, VolumeMount } from './types/meta.js';
export type {
  Condition,
  Matrix,
  Param,
  ParamSpec,
  ParamType,
  ParamValue,
  Pipeline,
  PipelineResult,
  PipelineRun,
  PipelineRunSpec,
  PipelineSpec,
  PipelineTask,
  PipelineTaskRunSpec,
  Sidecar,
  Step,
  StepAction,
  StepActionSpec,
  StepResult,
  StepTemplate,
  Task,
  TaskRef,
  TaskResult,
  TaskRun,
  TaskRunSpec,
  TaskSpec,
  WhenExpression,
  WorkspaceDeclaration,
} from './types/tekton.js';
export type { ClusterInterceptor, ClusterTriggerBinding, EventListener, TriggerBinding, TriggerTemplate } from './types/triggers.js';
export type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  CronJob,
  Deployment,
  Job,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Role,
  RoleBinding,
  Secret,
  Service,
  ServiceAccount,
} from './types/k8s.js';
export { PlumbingError, UsageError } from './errors.js';
export type { Reference } from './yaml/references.js';
export { referencesOf } from './yaml/references.js';
export type { ClusterConfig, ClusterSource, HealthCheck, Notification, PostDeployTest } from './types/plumbing.js';
