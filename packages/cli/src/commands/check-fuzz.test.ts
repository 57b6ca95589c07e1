import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzzInputs } from '@plumbing/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '../../bin/plumbing.js');
const repoRoot = join(here, '../../../..');
const BASES = Object.fromEntries(
  ['tasks/git-clone/0.1/git-clone.yaml', 'pipelines/ci/ci.yaml', 'clusters/README.md', 'tasks/npm/0.1/npm.yaml']
    .map((f) => [f, (() => { try { return readFileSync(join(repoRoot, f), 'utf8'); } catch { return ''; } })()] as const)
    .filter(([, t]) => t !== ''),
);

function checkJson(cwd: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'check', '--format', 'json', '--no-cache'], { cwd, maxBuffer: 1 << 28 }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

describe('plumbing check on fuzzed input (seeded)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('never crashes, never reports INTERNAL_ERROR, and always prints valid JSON, over 300 mutants in one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbing-fuzz-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.git'));
    const inputs = fuzzInputs(BASES, 300, 6);
    for (const input of inputs) writeFileSync(join(dir, input.name), input.bytes);
    const r = await checkJson(dir);
    expect([0, 1]).toContain(r.code);
    const findings = JSON.parse(r.stdout) as { code: string; file: string }[];
    expect(findings.filter((f) => f.code === 'INTERNAL_ERROR')).toEqual([]);
    // Output stays proportionate: no file gets more than a capped number of findings of one code.
    const perFileCode = new Map<string, number>();
    for (const f of findings) perFileCode.set(`${f.file} ${f.code}`, (perFileCode.get(`${f.file} ${f.code}`) ?? 0) + 1);
    expect(Math.max(0, ...perFileCode.values())).toBeLessThanOrEqual(101);
    // A generous bound for a slow machine, not a timing assertion (timings: npm run fuzz:check).
  }, 900_000);
});
