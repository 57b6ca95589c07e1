export { type GoTool, ensureGoTool, executable } from './go-tool.js';
export { JsonLinesProcess } from './json-lines.js';
export { type EnsureGoProgramOptions, ensureGoProgram, type GoProgram, goProgramSourceHash } from './go-program.js';
export { directorySize, ensureKubeBinaries } from './binaries.js';
export { startTestCluster } from './cluster.js';
export { type KubeTestenvInfo, KUBE_TESTENV_ENV, kubeTestenvGlobalSetup, kubeTestenvFromEnv } from './global-setup.js';
export { GO_BUILD_ENV, GO_BUILD_FLAGS } from './go-modules.js';
export { type RunResult, run, runChecked } from './exec.js';
export { installTektonCrds } from './tekton-crds.js';
