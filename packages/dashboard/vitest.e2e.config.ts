import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

// The dashboard in a real browser (Debian chromium); no API server, so no kube global setup.
export default defineConfig(config({ include: ["src/**/*.e2e.test.ts"], exclude: ["**/node_modules/**"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false }));
