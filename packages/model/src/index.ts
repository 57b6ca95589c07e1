export type { Finding, NodePath, Severity, SeverityOrOff } from './finding.js';
export { formatFindingText, formatPath, sortFindings } from './finding.js';
export type { CodeInfo, Code } from './codes.js';
export { CODES, isCode } from './codes.js';
export type { Position, ResourceDoc, SourceFile } from './source.js';
export { findingAt, loadYaml, locate, locateInScalar } from './source.js';
export type { VarRef } from './refs.js';
export { isTektonRef, parseExpr, scanRefs, TEKTON_PREFIXES } from './refs.js';
export { RepoIndex, catalogVersionDir, compareCatalogVersions, duplicateScope } from './repo-index.js';
export type { LoadOptions, LoadResult } from './load.js';
export { listYamlFiles, loadRepository } from './load.js';
export type { RepoConfig } from './config.js';
export { CONFIG_FILE, DEFAULT_EXCLUDES, loadRepoConfig } from './config.js';
export type { CheckOptions } from './check.js';
export { checkIndex } from './check.js';
export type { CheckRepositoryOptions, CheckRepositoryResult } from './check-repository.js';
export { checkRepository } from './check-repository.js';
export type { DocContext, DocRule, RepoContext, RepoRule, ReportOptions } from './rule.js';
export { DOC_RULES, REPO_RULES } from './rules/index.js';
export { CLUSTER_SCOPED_KINDS, isKnownKind, isTekton, isTriggers, KUBERNETES_KINDS, TEKTON_KINDS } from './kinds.js';
export type { JsonMap } from './values.js';
export { asArray, asMap, asString, get, isMap, mapsOf, walkStrings } from './values.js';
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
export type { Reference } from './references.js';
export { referencesOf } from './references.js';
export type { ClusterConfig, ClusterSource, ClusterSpec, HealthCheck, Notification, PostDeployTest, PrunePolicy, ServeConfig } from './types/plumbing.js';
export type { ReleaseArtifact, ReleaseConfig, ReleaseNightly, ReleaseSpec, ReleaseTarget } from './types/release.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export { contentHash, ParseCache } from './parse-cache.js';
