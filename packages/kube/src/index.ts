export type { ApplyOptions, ApplyResult, CallCounts, KubeMeta, KubeObject, KubePort, ListOptions, ObjectRef, ResourceInfo } from './types.js';
export { groupKind, objectKey, refOf, splitApiVersion } from './types.js';
export type { ConnectOptions } from './client.js';
export { FIELD_MANAGER, KubeClient, loadAuth, loadKubeConfig } from './client.js';
export type { KubeAuth, KubeconfigSource } from './kubeconfig.js';
export { loadNativeAuth } from './kubeconfig.js';
export { kubeError, statusOf } from './errors.js';
export type { FaultRule, PortMethod } from './faults.js';
export { FaultInjectingPort, injectedFault } from './faults.js';
