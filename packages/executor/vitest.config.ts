import { defineConfig } from 'vitest/config';
import { config } from '../../vitest.shared.mjs';

// Nearly every test here starts real processes (steps, bwrap), whose wall time grows with the
// machine's load: none relies on vitest's default 30 s. The fixture suites size theirs per fixture
// (test/slow.ts); this is the ceiling of every other test, against hangs only.
export default defineConfig(config({ testTimeout: 300_000 }));
