import { defineConfig } from 'vitest/config';
import { config } from '../vitest.shared.mjs';

// Task tests against a real Kubernetes API server (etcd + kube-apiserver on loopback, with the
// Tekton CRDs): `npm run test:e2e -w @plumbing/tasks`.
export default defineConfig(
  config({
    include: ['**/tests/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./test-support/kube-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 3_600_000, // a fresh machine builds the binaries in the globalSetup
    fileParallelism: false,
  }),
);
