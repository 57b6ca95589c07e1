import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIndex } from '../check/check.js';
import { loadRepository } from './load.js';

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parse-cache-'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n';
const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n';

async function check(dir: string, cacheFile?: string) {
  const r = await loadRepository(dir, [], cacheFile ? { cacheFile } : {});
  return { cache: r.cache, findings: [...r.findings, ...checkIndex(r.index)].map((f) => [f.file, f.code, f.line, f.column]) };
}

describe('the parse cache', () => {
  it('gives the same findings, at the same positions, from the cache as from parsing', async () => {
    const dir = repo({ 'a.yaml': bad, 'b.yaml': good, 'c.yaml': 'x: [\n' });
    const cacheFile = join(dir, '.cache', 'parse.bin');
    const cold = await check(dir, cacheFile);
    const warm = await check(dir, cacheFile);
    expect(cold.cache).toEqual({ hits: 0, misses: 3 });
    expect(warm.cache).toEqual({ hits: 3, misses: 0 });
    expect(warm.findings).toEqual(cold.findings);
    expect(warm.findings).toEqual((await check(dir)).findings);
    expect(cold.findings).toEqual([
      ['a.yaml', 'INVALID_RESOURCE_NAME', 4, 9],
      ['c.yaml', 'YAML_SYNTAX', 2, 1],
    ]);
  });

  it('parses a changed file again, and only that one', async () => {
    const dir = repo({ 'a.yaml': good, 'b.yaml': good });
    const cacheFile = join(dir, '.cache', 'parse.bin');
    await check(dir, cacheFile);
    writeFileSync(join(dir, 'b.yaml'), bad);
    const r = await check(dir, cacheFile);
    expect(r.cache).toEqual({ hits: 1, misses: 1 });
    expect(r.findings).toEqual([['b.yaml', 'INVALID_RESOURCE_NAME', 4, 9]]);
  });

  it('treats an unreadable or foreign cache file as a cold run', async () => {
    const dir = repo({ 'a.yaml': bad });
    const cacheFile = join(dir, 'parse.bin');
    writeFileSync(cacheFile, 'not a cache');
    const r = await check(dir, cacheFile);
    expect(r.cache).toEqual({ hits: 0, misses: 1 });
    expect(r.findings).toEqual([['a.yaml', 'INVALID_RESOURCE_NAME', 4, 9]]);
    expect((await check(dir, cacheFile)).cache).toEqual({ hits: 1, misses: 0 });
  });
});
