#!/usr/bin/env node
// kube-testenv: prepare and run the test Kubernetes API server. Thin: the logic lives in src/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: kube-testenv <command>

commands:
  build   build etcd, kube-apiserver and kubectl into the cache (once; ignores KUBEBUILDER_ASSETS)
  env     print "export KUBEBUILDER_ASSETS=<dir>" for the cached (or built) binaries
  start   start an API server with the Tekton CRDs, print its KUBECONFIG, run until Ctrl-C
          (--no-tekton: skip the CRDs)

environment:
  KUBECONFIG           start: use this cluster instead of starting one
  KUBEBUILDER_ASSETS   start/env: take the binaries from this directory
  PLUMBING_KUBE_CACHE  cache root (default ~/.cache/plumbing/kube)

exit codes: 0 ok, 1 error, 2 usage error`;

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (!existsSync(dist)) {
    process.stderr.write('kube-testenv: not built; run `npm run build -w @plumbing/kube-testenv` first\n');
    return 1;
  }
  const api = await import(dist);
  switch (command) {
    case 'build': {
      const started = Date.now();
      const bins = await api.ensureKubeBinaries({ ignoreAssets: true });
      const dir = dirname(bins.dir);
      const mib = (await api.directorySize(dir)) / 1024 / 1024;
      process.stdout.write(
        `${bins.source === 'built' ? 'built' : 'already cached'}: ${bins.dir} (${mib.toFixed(0)} MiB, ${Math.round((Date.now() - started) / 1000)}s)\n`,
      );
      return 0;
    }
    case 'env': {
      const bins = await api.ensureKubeBinaries({});
      process.stdout.write(`export KUBEBUILDER_ASSETS=${bins.dir}\n`);
      return 0;
    }
    case 'start': {
      // Listen before starting, so the cluster's own signal cleanup leaves Ctrl-C to us (graceful stop).
      const stopRequested = new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const cluster = await api.startTestCluster({});
      try {
        if (!rest.includes('--no-tekton')) {
          const names = await api.installTektonCrds(cluster.connection);
          process.stderr.write(`kube-testenv: ${names.length} Tekton CRDs established\n`);
        }
        process.stdout.write(`export KUBECONFIG=${cluster.kubeconfigPath}\n`);
        process.stderr.write('kube-testenv: running; Ctrl-C to stop\n');
        await stopRequested;
      } finally {
        await cluster.stop();
      }
      return 0;
    }
    default:
      process.stderr.write(`kube-testenv: unknown command ${command}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const debug = process.argv.includes('--debug');
    process.stderr.write(`kube-testenv: ${debug ? err.stack : err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    process.exitCode = typeof err.exitCode === 'number' ? err.exitCode : 1;
  },
);
