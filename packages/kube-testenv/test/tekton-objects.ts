// Tekton objects the e2e tests create: valid ones the CRD schemas accept, and one they reject.

export function task(namespace: string): Record<string, unknown> {
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'Task',
    metadata: { name: 'echo', namespace },
    spec: {
      params: [{ name: 'message', type: 'string', default: 'hello' }],
      steps: [{ name: 'echo', image: 'busybox', env: [{ name: 'MESSAGE', value: '$(params.message)' }], script: 'echo "$MESSAGE"' }],
    },
  };
}

export function pipelineRun(namespace: string): Record<string, unknown> {
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name: 'echo-run', namespace },
    spec: {
      pipelineSpec: { tasks: [{ name: 'echo', taskRef: { name: 'echo' }, params: [{ name: 'message', value: 'from e2e' }] }] },
      timeouts: { pipeline: '10m' },
    },
  };
}

/** `steps` must be an array: the Task CRD's OpenAPI schema makes the API server reject this. */
export function invalidTask(namespace: string): Record<string, unknown> {
  return { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'broken', namespace }, spec: { steps: 'not-a-list' } };
}
