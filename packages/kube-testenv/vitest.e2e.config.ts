import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

// Real etcd + kube-apiserver. The globalSetup may build the binaries on a fresh machine (many
// minutes, once), hence the long hook timeout; files run one at a time on 2-core machines.
export default defineConfig(
  config({
    include: ['src/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./test/kube-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 3_600_000,
    fileParallelism: false,
  }),
);
