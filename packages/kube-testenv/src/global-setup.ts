import { PlumbingError } from '@plumbing/model';
import { type StartTestClusterOptions, startTestCluster } from './cluster.js';
import { type KubeConnection, loadKubeconfig } from './kubeconfig.js';
import { installTektonCrds } from './tekton-crds.js';

/** What the vitest globalSetup hands to test files (through the environment and `provide`). */
export interface KubeTestenvInfo {
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly token: string | undefined;
  readonly external: boolean;
  readonly tektonCrds: readonly string[];
}

/** Environment variable carrying KubeTestenvInfo as JSON from globalSetup to test workers. */
export const KUBE_TESTENV_ENV = 'PLUMBING_KUBE_TESTENV';

export interface KubeTestenvGlobalSetupOptions extends StartTestClusterOptions {
  /** Install the Tekton Pipelines and Triggers CRDs (default true). */
  readonly tekton?: boolean;
}

interface Provider {
  provide(key: string, value: unknown): void;
}

function isProvider(x: unknown): x is Provider {
  return typeof x === 'object' && x !== null && typeof (x as Partial<Provider>).provide === 'function';
}

/**
 * A vitest globalSetup: starts one API server for the whole run (or borrows $KUBECONFIG),
 * installs the Tekton CRDs, exports KUBECONFIG and PLUMBING_KUBE_TESTENV to the test workers,
 * calls `project.provide('kubeTestenv', info)`, and returns the teardown that stops the server.
 * Use it as `export const setup = kubeTestenvGlobalSetup;` in a globalSetup file.
 */
export async function kubeTestenvGlobalSetup(project?: unknown, opts: KubeTestenvGlobalSetupOptions = {}): Promise<() => Promise<void>> {
  const cluster = await startTestCluster(opts);
  try {
    const tektonCrds = opts.tekton === false ? [] : await installTektonCrds(cluster.connection, opts.env === undefined ? {} : { env: opts.env });
    const info: KubeTestenvInfo = {
      kubeconfigPath: cluster.kubeconfigPath,
      server: cluster.server,
      token: cluster.token,
      external: cluster.external,
      tektonCrds,
    };
    const saved = { kubeconfig: process.env.KUBECONFIG, info: process.env[KUBE_TESTENV_ENV] };
    process.env.KUBECONFIG = cluster.kubeconfigPath;
    process.env[KUBE_TESTENV_ENV] = JSON.stringify(info);
    if (isProvider(project)) project.provide('kubeTestenv', info);
    return async () => {
      restore('KUBECONFIG', saved.kubeconfig);
      restore(KUBE_TESTENV_ENV, saved.info);
      await cluster.stop();
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** In a test file: the cluster the globalSetup started, or a failure saying how to get one. */
export async function kubeTestenvFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<KubeTestenvInfo & { connection: KubeConnection }> {
  const raw = env[KUBE_TESTENV_ENV];
  if (!raw) {
    throw new PlumbingError('KUBE_TESTENV_MISSING', `${KUBE_TESTENV_ENV} is not set`, {
      hint: 'add a globalSetup file with `export const setup = kubeTestenvGlobalSetup;` to the vitest e2e config',
    });
  }
  const info = JSON.parse(raw) as KubeTestenvInfo;
  return { ...info, connection: await loadKubeconfig(info.kubeconfigPath) };
}
