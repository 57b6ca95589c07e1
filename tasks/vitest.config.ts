import { defineConfig } from 'vitest/config';
import { config } from '../vitest.shared.mjs';

// Each test file runs task versions end to end with the real `plumbing run` (child processes,
// real git, real servers on loopback): slower than unit tests, hence the longer timeouts.
export default defineConfig(config({ include: ['**/tests/*.test.ts'], exclude: ['**/node_modules/**', '**/*.e2e.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 }));
