import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

// No API server and no global setup: the differential test builds (or finds) the oracle binary in
// its own beforeAll (TektonOracle.start), so while that test is skipped CI does not spend the Go
// build of tektoncd/pipeline (long on two cores) on it.
export default defineConfig(
  config({ include: ['src/**/*.e2e.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 3_600_000, hookTimeout: 3_600_000, fileParallelism: false }),
);
