export type { ApplyOptions, ApplyResult, CallCounts, KubeMeta, KubeObject, KubePort, ListOptions, ObjectRef, ResourceInfo } from './types.js';
export { groupKind, objectKey, refOf, splitApiVersion } from './types.js';
export type { ConnectOptions } from './client.js';
export { FIELD_MANAGER, KubeClient, loadKubeConfig } from './client.js';
export { kubeError, statusOf } from './errors.js';
export type { FaultRule, PortMethod } from './faults.js';
export { FaultInjectingPort, injectedFault } from './faults.js';
