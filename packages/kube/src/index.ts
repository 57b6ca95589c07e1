export type { CallCounts, KubeObject, KubePort, ObjectRef } from './types.js';
export { groupKind, objectKey, refOf } from './types.js';
export { KubeClient, loadKubeConfig } from './client.js';
export { currentContext } from './kubeconfig.js';
export { statusOf } from './errors.js';
export { FaultInjectingPort, injectedFault } from './faults.js';
export type { PipelineRunApi } from './pipeline-runs.js';
export { connectPipelineRunApi } from './pipeline-runs.js';
