import { defineConfig } from 'vitest/config';
import { e2eConfig } from '../../vitest.shared.mjs';

// The cluster backend's suites: a real API server (kube-testenv, Tekton CRDs) started once by the global setup.
export default defineConfig(e2eConfig({ include: ['test/**/*.e2e.test.ts'], globalSetup: './test/kube-global-setup.ts' }));
