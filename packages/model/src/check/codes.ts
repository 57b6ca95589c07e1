import type { SeverityOrOff } from './finding.js';

export interface CodeInfo {
  severity: SeverityOrOff;
  summary: string;
  /** Rules that only run under a profile (e.g. `catalog`). */
  profile?: string;
  /** Severity under the profile, when it differs from the default. */
  profileSeverity?: SeverityOrOff;
  /**
   * Set (to the reason) on an error that Tekton itself does not make: its admission webhook and
   * reconciler accept the object. The differential test against Tekton's code skips these.
   */
  stricterThanTekton?: string;
}

/**
 * Every finding code, with its default severity. Codes are stable: never rename or reuse one.
 * The ids in docs/validation-rules.md map to these as UPPER_SNAKE_CASE.
 */
export const CODES = {
  INTERNAL_ERROR: { severity: 'error', summary: 'an unexpected error inside a rule (a bug in plumbing, not in your file)' },
  YAML_SYNTAX: { severity: 'error', summary: 'unparsable YAML, or a map where a scalar is expected' },
  YAML_WARNING: { severity: 'warning', summary: "the YAML parser's warnings (a key that is a map or list, an unresolved tag), at their position" },
  UNKNOWN_KIND_VERSION: { severity: 'error', summary: 'a missing apiVersion/kind, or a kind/version we do not know' },
  UNKNOWN_CUSTOM_RESOURCE: { severity: 'info', summary: 'a kind of an API group we hold no schema for (a CRD): only its metadata is checked' },
  KUSTOMIZE_PATCH_NOT_CHECKED: { severity: 'info', summary: 'a kustomize patch of a kustomization plumbing does not render, or of an object of a remote base: not an object on its own, so not checked' },
  KUSTOMIZE_NOT_RENDERED: { severity: 'info', summary: 'a kustomization that the built-in renderer does not render (helm charts, replacements, vars, plugins, a missing file): its resources are checked as files on their own' },
  KUSTOMIZE_REMOTE_BASE: { severity: 'info', summary: 'a remote kustomize base (a URL): never fetched, so its objects are not checked' },
  KUSTOMIZE_PATCH_NO_TARGET: { severity: 'warning', summary: 'a strategic-merge patch that matches no object of its kustomization (kustomize refuses to build it)' },
  KUSTOMIZE_BUILD_FAILED: { severity: 'error', summary: 'kustomize (its own library, sigs.k8s.io/kustomize/api) cannot build this kustomization: its message, at the kustomization file' },
  KUSTOMIZE_RESOURCE_MISSING: { severity: 'warning', summary: 'a kustomization lists a local resource that is not in the tree (often a manifest a delivery job fetches just before it builds): kustomize cannot build it from here, so its other resources are checked as files on their own' },
  KUSTOMIZE_APPROXIMATED: { severity: 'info', summary: 'kustomize could not be built here (no Go): this kustomization was rendered by plumbing\'s built-in approximation (no generators, no replacements, helm or plugins)' },
  GENERATOR_TEMPLATE: { severity: 'info', summary: 'a template of a generator ({{ }} placeholders where YAML structure or a plain value is): checked only once rendered' },
  INVALID_RESOURCE_NAME: { severity: 'error', summary: 'metadata.name is not a DNS-1123 subdomain or is too long' },
  INVALID_METADATA: { severity: 'error', summary: 'a label or annotation key, or a label value, that the API server refuses' },
  DUPLICATE_RESOURCE: {
    severity: 'error',
    summary: 'the same kind/name twice within one scope',
    stricterThanTekton: 'Tekton judges each object alone; the API server refuses the second create of a name (AlreadyExists), and kubectl apply silently keeps only the last',
  },
  COMMITTED_RESOURCE_VERSION: { severity: 'warning', summary: 'resourceVersion, uid or status left in a file' },
  DEPRECATED_RESOURCE: { severity: 'warning', summary: 'resource labelled tekton.dev/deprecated' },
  PIPELINE_RESOURCES_REMOVED: { severity: 'error', summary: 'v1beta1 resources (PipelineResources), which Tekton removed: the webhook refuses the field' },
  DEPRECATED_API: { severity: 'warning', summary: 'a deprecated Tekton API version or kind' },
  FEATURE_FLAG_REQUIRED: { severity: 'warning', summary: 'an alpha/beta-gated field that needs a feature flag' },
  TASK_MISSING_STEPS: { severity: 'error', summary: 'a Task without steps' },
  STEP_MISSING_IMAGE: { severity: 'error', summary: 'a step or sidecar without image' },
  STEP_SCRIPT_WITH_COMMAND: { severity: 'error', summary: 'script cannot be used with command' },
  STEP_DUPLICATE_NAME: { severity: 'error', summary: 'two steps with the same name' },
  STEP_INVALID_NAME: { severity: 'error', summary: 'a step name that is not a DNS label' },
  STEP_INVALID_FIELD: { severity: 'error', summary: 'an invalid onError, timeout, mount or stepTemplate' },
  STEP_REF_CONFLICT: { severity: 'error', summary: 'a step with ref and fields that ref excludes' },
  STEP_RESULT_REF_MISPLACED: { severity: 'error', summary: 'a step result reference outside env/command/args' },
  DUPLICATE_VOLUME: { severity: 'error', summary: 'two volumes with the same name' },
  UNDEFINED_VOLUME: {
    severity: 'error',
    summary: 'a volumeMount that names no declared volume',
    stricterThanTekton: 'Tekton accepts the Task; Kubernetes then refuses the TaskRun\'s Pod (volumeMounts[].name: Not found)',
  },
  DUPLICATE_ENV: { severity: 'warning', summary: 'the same env name twice in one container (Kubernetes accepts it; the last one wins)' },
  IMAGE_UNPINNED: { severity: 'warning', summary: 'an image with :latest or no tag' },
  IMAGE_INVALID_REFERENCE: {
    severity: 'error',
    summary: 'a bad image tag or digest',
    stricterThanTekton: 'Tekton and the API server accept any image string; the Pod then fails to pull it (InvalidImageName)',
  },
  IMAGE_NOT_FULLY_QUALIFIED: { severity: 'info', summary: 'an image without a registry host', profile: 'catalog', profileSeverity: 'warning' },
  IMAGE_DIGEST_WITHOUT_TAG: { severity: 'info', summary: 'an image pinned by digest without a version tag', profile: 'catalog', profileSeverity: 'warning' },
  SECRET_IN_ENV: { severity: 'warning', summary: 'a secret exposed through env' },
  PARAM_IN_SCRIPT: { severity: 'warning', summary: '$(params.X) inside a script (pass it through env)' },
  SCRIPT_MISSING_SHEBANG: { severity: 'warning', summary: 'a script without #!' },
  SCRIPT_LINT: { severity: 'off', summary: 'shellcheck / sh -n over scripts (external tools)' },
  DUPLICATE_PARAM: { severity: 'error', summary: 'a parameter declared or supplied twice' },
  INVALID_PARAM_NAME: { severity: 'error', summary: 'a parameter name that Tekton rejects' },
  INVALID_PARAM_TYPE: { severity: 'error', summary: 'a bad parameter type or a default of another type' },
  NON_STRING_SCALAR_DEFAULT: { severity: 'warning', summary: 'an unquoted bool/number default' },
  PARAM_ENUM: { severity: 'error', summary: 'an invalid enum, or a value not in the enum' },
  UNDEFINED_PARAM_REFERENCE: { severity: 'error', summary: 'a reference to a parameter that is not declared' },
  UNDEFINED_PARAM_LEFT_LITERAL: { severity: 'warning', summary: 'a reference to an undeclared parameter in a field Tekton does not check (param defaults, sidecars, volumes, env valueFrom...): it stays literal text at run time' },
  UNUSED_PARAM: { severity: 'warning', summary: 'a declared parameter that is never referenced' },
  ARRAY_PARAM_IN_STRING_CONTEXT: { severity: 'error', summary: 'an array or object reference where a string is needed' },
  UNKNOWN_OBJECT_KEY: { severity: 'error', summary: 'an object parameter key that is not declared' },
  MISSING_REQUIRED_PARAM: { severity: 'error', summary: 'a parameter without default that is not supplied' },
  EXTRA_PARAM: { severity: 'warning', summary: 'a parameter supplied that the target does not declare' },
  PARAM_TYPE_MISMATCH: { severity: 'error', summary: 'a value of the wrong type for a parameter' },
  PARAM_MISSING_VALUE: { severity: 'error', summary: 'a parameter binding without value' },
  INVALID_VARIABLE_PREFIX: { severity: 'error', summary: 'a variable that starts with no valid prefix' },
  UNKNOWN_CONTEXT_VARIABLE: { severity: 'error', summary: 'a $(context.*) variable that does not exist' },
  RESULT_REF_IN_RUN_PARAM: { severity: 'error', summary: 'a task result reference in a PipelineRun parameter' },
  INVALID_RESULT: { severity: 'error', summary: 'a bad result name, type or value' },
  UNDEFINED_RESULT_PATH: { severity: 'error', summary: '$(results.x.path) for an undeclared result' },
  UNDEFINED_TASK_RESULT: { severity: 'error', summary: 'a result that the referenced task does not declare' },
  RESULT_REF_UNKNOWN_TASK: { severity: 'error', summary: 'a result reference to a task that does not exist' },
  PIPELINE_RESULT_INVALID: { severity: 'error', summary: 'a pipeline result that is not a task result expression' },
  FINALLY_RESULT_FROM_FINALLY: { severity: 'error', summary: "a finally task using another finally task's result" },
  FINALLY_USES_SKIPPABLE_RESULT: { severity: 'warning', summary: 'a finally task consuming a result of a task that may be skipped' },
  MATRIX_RESULT_USAGE: { severity: 'error', summary: 'a matrixed task result consumed wrongly' },
  CHILD_PIPELINE_RESULT_REF: { severity: 'error', summary: 'a result reference to a pipeline-in-pipeline task' },
  PIPELINE_TASK_CYCLE: { severity: 'error', summary: 'a dependency cycle between pipeline tasks' },
  RUN_AFTER_UNKNOWN_TASK: { severity: 'error', summary: 'runAfter names a task that does not exist' },
  PIPELINE_TASK_DUPLICATE_NAME: { severity: 'error', summary: 'two pipeline tasks with the same name' },
  PIPELINE_TASK_INVALID_NAME: { severity: 'error', summary: 'a pipeline task name that is not a DNS label' },
  PIPELINE_TASK_REF_OR_SPEC: { severity: 'error', summary: 'a pipeline task needs exactly one of taskRef/taskSpec' },
  PIPELINE_EMPTY: { severity: 'error', summary: 'a pipeline without tasks' },
  FINALLY_WITHOUT_TASKS: { severity: 'error', summary: 'finally tasks without tasks' },
  FINALLY_RUN_AFTER: { severity: 'error', summary: 'runAfter under finally' },
  EXECUTION_STATUS_MISUSE: { severity: 'error', summary: '$(tasks.X.status) outside finally, or X unknown' },
  PIPELINE_TASK_ON_ERROR: { severity: 'error', summary: 'a bad pipeline task onError' },
  MATRIX_INVALID: { severity: 'error', summary: 'an invalid matrix' },
  WHEN_INVALID: { severity: 'error', summary: 'an invalid when expression' },
  UNRESOLVED_TASK_REF: { severity: 'warning', summary: 'a taskRef/pipelineRef that is not in the repository' },
  DUPLICATE_WORKSPACE_DECLARATION: { severity: 'error', summary: 'a workspace declared twice' },
  PIPELINE_TASK_UNKNOWN_WORKSPACE: { severity: 'error', summary: 'a pipeline task binding a workspace the pipeline does not declare' },
  MISSING_REQUIRED_WORKSPACE: { severity: 'error', summary: 'a required workspace that is not bound' },
  STEP_UNDEFINED_WORKSPACE: { severity: 'error', summary: 'a step workspace that the task does not declare' },
  UNDEFINED_WORKSPACE_REFERENCE: {
    severity: 'error',
    summary: '$(workspaces.x.*) for an undeclared workspace',
    stricterThanTekton: 'Tekton does not validate $(workspaces.*) references and leaves an unknown one unsubstituted, so the step sees the literal text',
  },
  WORKSPACE_BINDING_INVALID: { severity: 'error', summary: 'an invalid workspace binding' },
  EMPTYDIR_WORKSPACE_NOT_SHARED: { severity: 'warning', summary: 'a Pipeline workspace bound to an emptyDir that one task writes and another reads (each TaskRun gets its own)' },
  RUN_REF_OR_SPEC: { severity: 'error', summary: 'a run needs exactly one of ref/spec' },
  RUN_TIMEOUTS: { severity: 'error', summary: 'invalid run timeouts' },
  RUN_SPEC_INVALID: { severity: 'error', summary: 'an invalid run spec' },
  STEPACTION_INVALID: { severity: 'error', summary: 'an invalid StepAction' },
  EVENTLISTENER_INVALID: { severity: 'error', summary: 'an invalid EventListener' },
  TRIGGER_INVALID: { severity: 'error', summary: 'an invalid Trigger' },
  TRIGGER_BINDING_INVALID: { severity: 'error', summary: 'an invalid TriggerBinding' },
  TRIGGER_TEMPLATE_INVALID: { severity: 'error', summary: 'an invalid TriggerTemplate' },
  UNRESOLVED_TRIGGER_REF: {
    severity: 'error',
    summary: 'a trigger reference that is not in the repository',
    stricterThanTekton: 'Triggers\' webhook accepts any name; the EventListener fails only when an event arrives and the reference does not resolve',
  },
  TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE: { severity: 'warning', summary: 'a binding param the template does not declare' },
  CRONJOB_INVALID_SCHEDULE: { severity: 'error', summary: 'an invalid CronJob schedule, time zone or concurrency policy' },
  RBAC_INVALID: { severity: 'error', summary: 'an invalid roleRef or subject' },
  SERVICE_ACCOUNT_UNDEFINED: { severity: 'warning', summary: 'a ServiceAccount used but not defined in the repository' },
  CONFIG_INVALID: { severity: 'error', summary: "an invalid plumbing configuration (cluster, release or check config)" },
  CATALOG_PATH: { severity: 'off', summary: 'a catalog task not at <name>/<version>/<name>.yaml', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_VERSION_LABEL: { severity: 'off', summary: 'app.kubernetes.io/version missing or not matching the directory', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_MIN_VERSION: { severity: 'off', summary: 'tekton.dev/pipelines.minVersion missing or invalid', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_CATEGORIES: { severity: 'off', summary: 'tekton.dev/categories missing or not a known category', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_DESCRIPTION: { severity: 'off', summary: 'spec.description missing', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_PLATFORMS_FORMAT: { severity: 'off', summary: 'tekton.dev/platforms not os/arch[,os/arch]', profile: 'catalog', profileSeverity: 'error' },
  CATALOG_DISPLAY_NAME: { severity: 'off', summary: 'tekton.dev/displayName missing', profile: 'catalog', profileSeverity: 'info' },
  CATALOG_TAGS: { severity: 'off', summary: 'tekton.dev/tags missing', profile: 'catalog', profileSeverity: 'info' },
  CATALOG_PLATFORMS: { severity: 'off', summary: 'tekton.dev/platforms missing', profile: 'catalog', profileSeverity: 'info' },
  CATALOG_README: { severity: 'off', summary: 'a catalog task version without README.md or tests/', profile: 'catalog', profileSeverity: 'warning' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export function isCode(s: string): s is Code {
  return Object.hasOwn(CODES, s);
}
