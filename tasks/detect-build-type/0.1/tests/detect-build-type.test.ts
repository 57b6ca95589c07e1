import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plumbing, result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'detect-build-type.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('detect-build-type-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

async function tree(name: string, files: string[]): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), '');
  }
  return dir;
}

describe('detect-build-type 0.1', () => {
  const cases: [string, string[], string][] = [
    ['go', ['go.mod', 'Dockerfile'], 'go'],
    ['node', ['package.json', 'Dockerfile'], 'node'],
    ['gradle', ['build.gradle.kts'], 'gradle'],
    ['maven', ['pom.xml'], 'maven'],
    ['python', ['pyproject.toml'], 'python'],
    ['dockerfile', ['Dockerfile', 'main.c'], 'dockerfile'],
    ['none', ['README.md'], 'unknown'],
  ];
  for (const [name, files, expected] of cases) {
    it(`reports ${expected} for a tree with ${files.join(', ')}`, async () => {
      const { run, code } = await runTask(TASK, { workspaces: { source: await tree(name, files) } });
      expect(code).toBe(0);
      expect(run.succeeded).toBe('True');
      expect(result(run, 'build-type')).toBe(expected);
    });
  }

  it('looks inside the subdirectory param', async () => {
    const dir = await tree('mono', ['README.md', 'services/api/go.mod']);
    const { run } = await runTask(TASK, { params: { subdirectory: 'services/api' }, workspaces: { source: dir } });
    expect(result(run, 'build-type')).toBe('go');
  });

  it('fails with a clear message when the subdirectory does not exist', async () => {
    const { run, code, stderr } = await runTask(TASK, { params: { subdirectory: 'nope' }, workspaces: { source: await tree('empty', []) } });
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain("directory 'nope' does not exist in the source workspace");
  });

  it('runs tests/run.yaml as written (an empty workspace is unknown)', async () => {
    const out = await plumbing(['-f', join(import.meta.dirname, 'run.yaml')]);
    expect(out.runs.map((r) => [r.succeeded, result(r, 'build-type')])).toEqual([['True', 'unknown']]);
  });
});
