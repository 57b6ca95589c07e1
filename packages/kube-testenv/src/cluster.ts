import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { ensureKubeBinaries, type KubeBinaries } from './binaries.js';
import { generatePki } from './certs.js';
import { apiserverFlags, etcdFlags, tokenFileLine } from './control-plane-flags.js';
import { kubeRequest } from './kube-client.js';
import { type KubeConnection, loadKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { logTail, type ManagedProcess, pidAlive, registerExitCleanup, startProcess, stopProcess, waitFor } from './processes.js';

export interface StartTestClusterOptions {
  /** Environment read for KUBECONFIG, KUBEBUILDER_ASSETS, PLUMBING_KUBE_CACHE (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Use this existing cluster instead of starting one; default $KUBECONFIG; null always starts one. */
  readonly kubeconfig?: string | null;
  /** Binaries to run (default: ensureKubeBinaries(), which may build them once). */
  readonly binaries?: KubeBinaries;
  readonly log?: (line: string) => void;
  /** How long etcd plus kube-apiserver may take to become ready (default 120 s). */
  readonly startTimeoutMs?: number;
  /** Parent of the cluster's temp dir (default: the OS temp dir). */
  readonly tmpRoot?: string;
}

/** A running (or borrowed) API server. */
export interface TestCluster {
  readonly kubeconfigPath: string;
  readonly server: string;
  /** The admin bearer token (undefined for a borrowed cluster that uses client certificates). */
  readonly token: string | undefined;
  readonly connection: KubeConnection;
  /** True when the cluster came from KUBECONFIG: stop() then leaves it running. */
  readonly external: boolean;
  /** The temp dir holding data, certificates, logs and the kubeconfig (undefined when external). */
  readonly dir: string | undefined;
  /** Pids of etcd and kube-apiserver (empty when external). */
  readonly pids: readonly number[];
  /** Stops kube-apiserver then etcd (SIGTERM, then SIGKILL) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function borrow(kubeconfigPath: string, log: (line: string) => void): Promise<TestCluster> {
  const connection = await loadKubeconfig(kubeconfigPath);
  log(`kube-testenv: using the existing cluster from KUBECONFIG (${connection.server})`);
  return {
    kubeconfigPath,
    server: connection.server,
    token: connection.token,
    connection,
    external: true,
    dir: undefined,
    pids: [],
    stop: async () => {},
  };
}

/**
 * Starts etcd and kube-apiserver on loopback ports with a fresh data dir and PKI, waits for
 * /readyz and writes an admin kubeconfig. With KUBECONFIG set (or `kubeconfig` given), starts
 * nothing and returns that cluster.
 */
export async function startTestCluster(opts: StartTestClusterOptions = {}): Promise<TestCluster> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const existing = opts.kubeconfig === undefined ? env.KUBECONFIG : opts.kubeconfig;
  if (existing) return borrow(existing, log);

  const binaries = opts.binaries ?? (await ensureKubeBinaries({ env, log }));
  const dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'kube-testenv-'));
  const running: ManagedProcess[] = [];
  const unregister = registerExitCleanup(() => running);
  const stopAll = async (): Promise<void> => {
    for (const p of [...running].reverse()) await stopProcess(p);
    running.length = 0;
  };
  try {
    const pki = await generatePki(await mkdirp(join(dir, 'pki')));
    const token = randomBytes(24).toString('hex');
    const tokenFile = join(dir, 'pki', 'tokens.csv');
    await writeFile(tokenFile, tokenFileLine(token), { mode: 0o600 });
    const caPem = await readFile(pki.caCert, 'utf8');
    const timeoutMs = opts.startTimeoutMs ?? 120_000;

    for (let attempt = 1; ; attempt++) {
      const [etcdPort, apiPort] = [await freePort(), await freePort()];
      const server = `https://127.0.0.1:${apiPort}`;
      const connection: KubeConnection = { server, ca: caPem, token };
      try {
        const etcd = startProcess('etcd', binaries.etcd, etcdFlags({ dataDir: join(dir, 'etcd'), clientPort: etcdPort }), join(dir, 'etcd.log'), env);
        running.push(etcd);
        await waitFor('etcd', async () => (await kubeRequest({ server: `http://127.0.0.1:${etcdPort}` }, { method: 'GET', path: '/health', timeoutMs: 2000 })).status === 200, {
          timeoutMs,
          abort: () => (etcd.hasExited() ? `exited:\n${logTail(etcd)}` : undefined),
        });
        const flags = apiserverFlags({ dir, etcdClientPort: etcdPort, securePort: apiPort, pki, tokenFile });
        const api = startProcess('kube-apiserver', binaries.kubeApiserver, flags, join(dir, 'kube-apiserver.log'), env);
        running.push(api);
        await waitFor('kube-apiserver', async () => (await kubeRequest(connection, { method: 'GET', path: '/readyz', timeoutMs: 5000 })).status === 200, {
          timeoutMs,
          abort: () => (api.hasExited() ? `exited:\n${logTail(api)}` : undefined),
        });
      } catch (err) {
        const tails = running.map((p) => `--- ${p.name} (${p.logFile})\n${logTail(p)}`).join('\n');
        await stopAll();
        await rm(join(dir, 'etcd'), { recursive: true, force: true });
        if (attempt < 3 && /address already in use/.test(tails)) continue;
        throw new PlumbingError('KUBE_START_FAILED', `test cluster did not start: ${(err as Error).message}\n${tails}`, { cause: err });
      }
      const kubeconfigPath = join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfigPath, { server, caPem, token });
      const pids = running.map((p) => p.pid);
      log(`kube-testenv: API server ready at ${server} (kubeconfig ${kubeconfigPath})`);
      let stopped: Promise<void> | undefined;
      return {
        kubeconfigPath,
        server,
        token,
        connection,
        external: false,
        dir,
        pids,
        stop: () => {
          stopped ??= (async () => {
            await stopAll();
            unregister();
            await rm(dir, { recursive: true, force: true });
          })();
          return stopped;
        },
      };
    }
  } catch (err) {
    await stopAll();
    unregister();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function mkdirp(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  return path;
}

/** The pids among `pids` that still exist (for asserting a clean stop). */
export function livePids(pids: readonly number[]): number[] {
  return pids.filter((pid) => pidAlive(pid));
}
