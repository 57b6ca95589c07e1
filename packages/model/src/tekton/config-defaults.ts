import { isMap } from '../yaml/values.js';

/**
 * Tekton's `config-defaults` ConfigMap (in the Tekton controller's namespace), as far as it
 * changes what a run needs. `default-task-run-workspace-binding` is a workspace binding (YAML)
 * that the TaskRun reconciler gives every declared, non-optional workspace a TaskRun does not bind
 * (pipeline tasks' TaskRuns included; a PipelineRun must still bind its Pipeline's workspaces).
 */
export interface ConfigDefaults {
  defaultTaskRunWorkspaceBinding: boolean;
}

/** Reads a config-defaults ConfigMap's `data`. */
export function parseConfigDefaults(data: unknown): ConfigDefaults {
  const binding = isMap(data) ? data['default-task-run-workspace-binding'] : undefined;
  return { defaultTaskRunWorkspaceBinding: typeof binding === 'string' && binding.trim() !== '' };
}

/** Whether `value` is Tekton's config-defaults ConfigMap. */
export function isConfigDefaults(value: unknown): boolean {
  return isMap(value) && value.apiVersion === 'v1' && value.kind === 'ConfigMap' && isMap(value.metadata) && value.metadata.name === 'config-defaults';
}
