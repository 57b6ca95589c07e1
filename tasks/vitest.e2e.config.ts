import { defineConfig } from 'vitest/config';
import { e2eConfig } from '../vitest.shared.mjs';

// Task tests against a real Kubernetes API server: `npm run test:e2e -w @plumbing/tasks`.
export default defineConfig(e2eConfig({ include: ['**/tests/*.e2e.test.ts'], globalSetup: './test-support/kube-global-setup.ts' }));
