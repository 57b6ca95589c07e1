import { defineConfig } from 'vitest/config';
import { e2eConfig } from '../../vitest.shared.mjs';

// `plumbing images` against a real registry (crane, built from Go modules on first use).
export default defineConfig(e2eConfig({ globalSetup: './test/crane-global-setup.ts' }));
