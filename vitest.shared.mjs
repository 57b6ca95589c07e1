// Shared vitest settings: sibling packages resolve to their TypeScript sources, so tests never
// depend on a stale dist/ of another package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const alias = {};
for (const dir of readdirSync(join(root, 'packages'))) {
  const pj = join(root, 'packages', dir, 'package.json');
  const src = join(root, 'packages', dir, 'src', 'index.ts');
  if (existsSync(pj) && existsSync(src)) alias[JSON.parse(readFileSync(pj, 'utf8')).name] = src;
}

/** @param {Record<string, unknown>} [test] */
export function config(test = {}) {
  return {
    resolve: { alias },
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.e2e.test.ts', '**/node_modules/**'], testTimeout: 30000, ...test },
  };
}
