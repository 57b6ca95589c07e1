import type { Resource } from './meta.js';
import type { ParamSpec } from './tekton.js';

export interface TriggerBindingParam {
  name: string;
  value: string;
}

export interface TriggerSpecBinding {
  ref?: string;
  kind?: 'TriggerBinding' | 'ClusterTriggerBinding';
  name?: string;
  value?: string;
  apiversion?: string;
}

export interface InterceptorRef {
  name?: string;
  kind?: 'Interceptor' | 'ClusterInterceptor' | 'NamespacedInterceptor';
  apiVersion?: string;
}

export interface TriggerInterceptor {
  name?: string;
  ref?: InterceptorRef;
  params?: { name: string; value: unknown }[];
  webhook?: { objectRef?: { kind?: string; name?: string; apiVersion?: string; namespace?: string }; url?: string; header?: { name: string; value: unknown }[] };
}

export interface TriggerSpecTemplate {
  ref?: string;
  apiversion?: string;
  spec?: TriggerTemplateSpec;
}

export interface TriggerSpec {
  name?: string;
  bindings?: TriggerSpecBinding[];
  template?: TriggerSpecTemplate;
  interceptors?: TriggerInterceptor[];
  serviceAccountName?: string;
}

export interface EventListenerTrigger extends TriggerSpec {
  triggerRef?: string;
}

export interface EventListenerSpec {
  serviceAccountName?: string;
  triggers?: EventListenerTrigger[];
  triggerGroups?: { name?: string; interceptors?: TriggerInterceptor[]; triggerSelector?: unknown }[];
  namespaceSelector?: { matchNames?: string[] };
  labelSelector?: Record<string, unknown>;
  resources?: { kubernetesResource?: Record<string, unknown>; customResource?: Record<string, unknown> };
}

export interface TriggerTemplateSpec {
  params?: ParamSpec[];
  resourcetemplates?: Record<string, unknown>[];
}

export interface TriggerBindingSpec {
  params?: TriggerBindingParam[];
}

export type EventListener = Resource<string, 'EventListener', EventListenerSpec>;
export type Trigger = Resource<string, 'Trigger', TriggerSpec>;
export type TriggerBinding = Resource<string, 'TriggerBinding', TriggerBindingSpec>;
export type ClusterTriggerBinding = Resource<string, 'ClusterTriggerBinding', TriggerBindingSpec>;
export type TriggerTemplate = Resource<string, 'TriggerTemplate', TriggerTemplateSpec>;
export type Interceptor = Resource<string, 'Interceptor', { clientConfig?: { url?: string; service?: Record<string, unknown> } }>;
export type ClusterInterceptor = Resource<string, 'ClusterInterceptor', { clientConfig?: { url?: string; service?: Record<string, unknown> } }>;
