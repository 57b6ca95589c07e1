import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

export default defineConfig(config({ globalSetup: './test/global-setup.ts' }));
