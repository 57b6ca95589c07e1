import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

export default defineConfig(config({ globalSetup: './test/kustomize-global-setup.ts' }));
