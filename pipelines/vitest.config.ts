import { defineConfig } from 'vitest/config';
import { config } from '../vitest.shared.mjs';

// Each test file runs a pipeline end to end with the real `plumbing run` (child processes, real
// git, a local git server, the local GitHub API server, file:// buckets).
export default defineConfig(config({ include: ['**/tests/*.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 600_000, hookTimeout: 300_000 }));
