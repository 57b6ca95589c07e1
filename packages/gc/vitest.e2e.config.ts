import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

export default defineConfig(
  config({
    include: ['src/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./test/kube-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 3_600_000, // a fresh machine builds the binaries in the globalSetup
    fileParallelism: false,
  }),
);
