export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface TypeMeta<V extends string = string, K extends string = string> {
  apiVersion: V;
  kind: K;
}

export interface Resource<V extends string = string, K extends string = string, S = unknown> extends TypeMeta<V, K> {
  metadata: ObjectMeta;
  spec?: S;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; items?: unknown[]; optional?: boolean; defaultMode?: number };
  configMap?: { name: string; items?: unknown[]; optional?: boolean; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [source: string]: unknown;
}

export interface ResourceRequirements {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

/** The container fields Tekton steps, sidecars and stepTemplates share. */
export interface ContainerFields {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string; optional?: boolean }; configMapRef?: { name: string; optional?: boolean }; prefix?: string }[];
  volumeMounts?: VolumeMount[];
  computeResources?: ResourceRequirements;
  resources?: ResourceRequirements;
  securityContext?: Record<string, unknown>;
  imagePullPolicy?: string;
}
