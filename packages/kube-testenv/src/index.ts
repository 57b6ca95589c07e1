export { type KubeBinaries, type EnsureKubeBinariesOptions, ensureKubeBinaries, kubeCacheDir, defaultCacheRoot, readBuildInfo, directorySize } from './binaries.js';
export { type StartTestClusterOptions, type TestCluster, startTestCluster, livePids } from './cluster.js';
export { apiserverFlags, etcdFlags } from './control-plane-flags.js';
export { type KubeTestenvInfo, type KubeTestenvGlobalSetupOptions, KUBE_TESTENV_ENV, kubeTestenvGlobalSetup, kubeTestenvFromEnv } from './global-setup.js';
export { buildModules, etcdGoMod, kubernetesGoMod, stagingVersion } from './go-modules.js';
export { type KubeRequest, type KubeResponse, kubeCall, kubeRequest, serverSideApply } from './kube-client.js';
export { type KubeConnection, loadKubeconfig, parseKubeconfig, renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
export { type ApplyCrdsOptions, type CrdDocument, type LoadTektonCrdsOptions, applyCrds, installTektonCrds, loadTektonCrds, selectCrds, withoutConversionWebhook } from './tekton-crds.js';
export { type KubeVersions, KUBE_VERSIONS } from './versions.js';
