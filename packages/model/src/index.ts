export type { Finding, NodePath, Severity, SeverityOrOff } from './check/finding.js';
export { formatFindingText, formatPath, sortFindings } from './check/finding.js';
export type { CodeInfo, Code } from './check/codes.js';
export { CODES, isCode } from './check/codes.js';
export type { Position, ResourceDoc, SourceFile } from './yaml/source.js';
export { findingAt, loadYaml, locate, locateInScalar } from './yaml/source.js';
export { formatGoDuration, parseGoDuration, parseHumanDuration } from './tekton/duration.js';
export { evaluateCel } from './tekton/cel.js';
export { evaluateWhen } from './tekton/when.js';
export type { Combination } from './tekton/matrix.js';
export { fanOut, hasEmptyMatrixParam, hasMatrix, MAX_MATRIX_COMBINATIONS, staticCombinationCount } from './tekton/matrix.js';
export type { Dag, DagResult } from './tekton/dag.js';
export { buildDag, topologicalOrder } from './tekton/dag.js';
export { paramTypeOf, paramValueMismatch, valueType } from './tekton/params.js';
export { undeclaredPipelineParams } from './tekton/pipeline-refs.js';
export type { VarRef } from './tekton/refs.js';
export { isTektonRef, parseExpr, scanRefs, TEKTON_PREFIXES } from './tekton/refs.js';
export { RepoIndex, catalogVersionDir, compareCatalogVersions } from './yaml/repo-index.js';
export type { LoadOptions, LoadResult } from './yaml/load.js';
export { listYamlFiles, loadRepository } from './yaml/load.js';
export type { RepoConfig } from './config.js';
export { CONFIG_FILE, DEFAULT_EXCLUDES, loadRepoConfig } from './config.js';
export type { CheckOptions } from './check/check.js';
export { checkIndex } from './check/check.js';
export type { CheckRepositoryOptions, CheckRepositoryResult } from './check/check-repository.js';
export { checkRepository } from './check/check-repository.js';
export type { DocContext, DocRule, RepoContext, RepoRule, ReportOptions } from './check/rule.js';
export { DOC_RULES, REPO_RULES } from './rules/index.js';
export { CLUSTER_SCOPED_KINDS, isKnownKind, isTekton, isTriggers, KUBERNETES_KINDS, TEKTON_KINDS } from './types/kinds.js';
export type { JsonMap } from './yaml/values.js';
export { asArray, asMap, asString, get, isMap, mapsOf, walkStrings } from './yaml/values.js';
export type { ContainerFields, EnvVar, ObjectMeta, Resource, ResourceRequirements, TypeMeta, Volume, VolumeMount } from './types/meta.js';
export type {
  Condition,
  Matrix,
  Param,
  ParamSpec,
  ParamType,
  ParamValue,
  Pipeline,
  PipelineRef,
  PipelineResult,
  PipelineRun,
  PipelineRunSpec,
  PipelineSpec,
  PipelineTask,
  PipelineTaskRunSpec,
  PipelineWorkspaceDeclaration,
  PropertySpec,
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
  TektonVersion,
  TimeoutFields,
  WhenExpression,
  WorkspaceBinding,
  WorkspaceDeclaration,
  WorkspacePipelineTaskBinding,
  WorkspaceUsage,
} from './types/tekton.js';
export type {
  ClusterInterceptor,
  ClusterTriggerBinding,
  EventListener,
  EventListenerSpec,
  Interceptor,
  Trigger,
  TriggerBinding,
  TriggerInterceptor,
  TriggerSpec,
  TriggerTemplate,
  TriggerTemplateSpec,
} from './types/triggers.js';
export type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  CronJob,
  CronJobSpec,
  Deployment,
  Job,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  PolicyRule,
  ResourceQuota,
  Role,
  RoleBinding,
  RoleRef,
  Secret,
  Service,
  ServiceAccount,
  Subject,
} from './types/k8s.js';
export { PlumbingError, UsageError } from './errors.js';
export type { Reference } from './yaml/references.js';
export { referencesOf } from './yaml/references.js';
export type { ClusterConfig, ClusterSource, ClusterSpec, HealthCheck, Notification, PostDeployTest, PrunePolicy, ServeConfig } from './types/plumbing.js';
export type { ReleaseArtifact, ReleaseConfig, ReleaseNightly, ReleaseSpec, ReleaseTarget } from './types/release.js';
export { closest, didYouMean, editDistance } from './check/suggest.js';
export { contentHash, ParseCache } from './yaml/parse-cache.js';
