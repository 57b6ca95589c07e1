// Shared vitest settings: sibling packages resolve to their TypeScript sources, so tests never
// depend on a stale dist/ of another package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const alias = {};
for (const dir of readdirSync(join(root, 'packages'))) {
  const pj = join(root, 'packages', dir, 'package.json');
  const src = join(root, 'packages', dir, 'src', 'index.ts');
  if (existsSync(pj) && existsSync(src)) alias[JSON.parse(readFileSync(pj, 'utf8')).name] = src;
}

/**
 * Test files at once in one package: half the cores, as turbo runs several packages' vitest at once
 * (vitest's own default, cores - 1 per process, oversubscribes a 2-core machine several times over).
 */
const maxWorkers = Math.max(1, Math.floor(availableParallelism() / 2));

/** @param {Record<string, unknown>} [test] */
export function config(test = {}) {
  return {
    resolve: { alias },
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.e2e.test.ts', '**/node_modules/**'], testTimeout: 30000, maxWorkers, ...test },
  };
}

/**
 * The e2e suites: real etcd + kube-apiserver started once by the globalSetup (which builds the
 * binaries on a fresh machine: many minutes, once), files one at a time on 2-core machines.
 * @param {{ include?: string[], globalSetup?: string }} [o]
 */
export function e2eConfig(o = {}) {
  return config({
    include: o.include ?? ['src/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: [o.globalSetup ?? './test/kube-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 3_600_000,
    fileParallelism: false,
  });
}
