import { defineConfig } from 'vitest/config';
import { e2eConfig } from '../../vitest.shared.mjs';

// No API server here: the global setup builds (or finds) the oracle binary once.
export default defineConfig(e2eConfig({ globalSetup: './test/oracle-global-setup.ts' }));
