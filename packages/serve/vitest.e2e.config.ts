import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

// The serve e2e suites start their own PostgreSQL; no API server, so no kube global setup.
export default defineConfig(config({ include: ['src/**/*.e2e.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false }));
