import { defineConfig } from 'vitest/config';
import { e2eConfig } from '../../vitest.shared.mjs';

// The registry tests need crane (built from Go modules on first use) but no API server.
export default defineConfig(e2eConfig({ globalSetup: './test/crane-global-setup.ts' }));
