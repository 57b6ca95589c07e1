/**
 * Every pinned version kube-testenv uses, in one place. Changing a version here changes the
 * cache key, so the next run builds the new binaries once into a fresh cache directory.
 */
export interface KubeVersions {
  /** k8s.io/kubernetes module version: kube-apiserver and kubectl are built from it. */
  readonly kubernetes: string;
  /** go.etcd.io/etcd/server/v3 module version: the etcd binary. */
  readonly etcd: string;
  /** github.com/tektoncd/pipeline module version: the Tekton Pipelines CRDs. */
  readonly tektonPipeline: string;
  /** github.com/tektoncd/triggers module version: the Tekton Triggers CRDs. */
  readonly tektonTriggers: string;
}

/**
 * Kubernetes 1.34 (a recent stable line served by the module proxy); etcd 3.6.4 is the version
 * k8s.io/kubernetes v1.34.4's own go.mod requires, i.e. the one that release is tested with.
 * Tekton Pipelines v1.9 is an LTS line; Triggers v0.35.0 is a recent release.
 */
export const KUBE_VERSIONS: KubeVersions = {
  kubernetes: 'v1.34.4',
  etcd: 'v3.6.4',
  tektonPipeline: 'v1.9.2',
  tektonTriggers: 'v0.35.0',
};

/**
 * The k8s.io staging modules that k8s.io/kubernetes' go.mod replaces with `./staging/src/...`.
 * A module that requires k8s.io/kubernetes must pin each of them to the matching v0.Y.Z.
 * Taken from the `replace` block of k8s.io/kubernetes v1.34.4's go.mod.
 */
export const KUBE_STAGING_MODULES: readonly string[] = [
  'k8s.io/api',
  'k8s.io/apiextensions-apiserver',
  'k8s.io/apimachinery',
  'k8s.io/apiserver',
  'k8s.io/cli-runtime',
  'k8s.io/client-go',
  'k8s.io/cloud-provider',
  'k8s.io/cluster-bootstrap',
  'k8s.io/code-generator',
  'k8s.io/component-base',
  'k8s.io/component-helpers',
  'k8s.io/controller-manager',
  'k8s.io/cri-api',
  'k8s.io/cri-client',
  'k8s.io/csi-translation-lib',
  'k8s.io/dynamic-resource-allocation',
  'k8s.io/endpointslice',
  'k8s.io/externaljwt',
  'k8s.io/kms',
  'k8s.io/kube-aggregator',
  'k8s.io/kube-controller-manager',
  'k8s.io/kube-proxy',
  'k8s.io/kube-scheduler',
  'k8s.io/kubectl',
  'k8s.io/kubelet',
  'k8s.io/metrics',
  'k8s.io/mount-utils',
  'k8s.io/pod-security-admission',
  'k8s.io/sample-apiserver',
  'k8s.io/sample-cli-plugin',
  'k8s.io/sample-controller',
];

/** The three binaries kube-testenv needs, by file name. */
export const KUBE_BINARIES = ['etcd', 'kube-apiserver', 'kubectl'] as const;
export type KubeBinaryName = (typeof KUBE_BINARIES)[number];
