import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/plumbing.js');
const run = promisify(execFile);

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-check-'));
  mkdirSync(join(dir, '.git'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

async function plumbing(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n';
const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n';

describe('plumbing check (the real binary)', () => {
  it('prints compiler-style findings and exits 1 on an error', async () => {
    const dir = repo({ 'a.yaml': bad });
    const r = await plumbing(dir, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^a\.yaml:4:9 {2}error {2}INVALID_RESOURCE_NAME {2}/);
  });

  it('exits 0 on a clean repository', async () => {
    const r = await plumbing(repo({ 'a.yaml': good }), 'check');
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('prints one valid JSON array with --format json', async () => {
    const r = await plumbing(repo({ 'a.yaml': bad, 'b.yaml': 'x: [' }), 'check', '--format', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { code: string; file: string; line: number; column: number; path: string }[];
    expect(out.map((f) => [f.code, f.file])).toEqual([
      ['INVALID_RESOURCE_NAME', 'a.yaml'],
      ['YAML_SYNTAX', 'b.yaml'],
    ]);
    expect(out[0]).toMatchObject({ line: 4, column: 9, path: 'metadata.name', severity: 'error' });
  });

  it('keeps JSON valid on a usage error and exits 2', async () => {
    const r = await plumbing(repo({}), 'check', '--format', 'json', '--bogus');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ code: 'USAGE' })]);
  });

  it('checks only the given paths and reports a missing one', async () => {
    const dir = repo({ 'a/x.yaml': bad, 'b/y.yaml': good });
    expect((await plumbing(dir, 'check', 'b')).code).toBe(0);
    const r = await plumbing(dir, 'check', 'nope', '--format', 'json');
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ code: 'YAML_SYNTAX', file: 'nope' })]);
  });

  it('applies severity overrides from .plumbing.yaml', async () => {
    const dir = repo({ 'a.yaml': bad, '.plumbing.yaml': 'check:\n  severity:\n    INVALID_RESOURCE_NAME: warning\n' });
    const r = await plumbing(dir, 'check', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ code: 'INVALID_RESOURCE_NAME', severity: 'warning' })]);
  });

  it('reports an unknown code in .plumbing.yaml at its position', async () => {
    const dir = repo({ '.plumbing.yaml': 'check:\n  severity:\n    NOT_A_CODE: off\n' });
    const r = await plumbing(dir, 'check', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 3, column: 5 })]);
  });

  it('prints help and exits 0', async () => {
    const r = await plumbing(repo({}), 'check', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: plumbing check');
  });

  it('finds the same findings, at the same positions, whether YAML is parsed in one thread or several', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) {
      files[`f/${String(i).padStart(3, '0')}.yaml`] = i % 7 === 0 ? `# file ${i}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_${i}\n` : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok-${i}\n`;
    }
    files['f/broken.yaml'] = 'a: [\n';
    const dir = repo(files);
    const one = await plumbing(dir, 'check', '--format', 'json', '-j', '1');
    const two = await plumbing(dir, 'check', '--format', 'json', '-j', '2');
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
    expect(JSON.parse(one.stdout)).toHaveLength(59);
    expect(JSON.parse(one.stdout)[0]).toMatchObject({ file: 'f/000.yaml', line: 5, column: 9 });
  });

  it('reports the same findings from its parse cache as with --no-cache, and keeps the cache out of git', async () => {
    const dir = repo({ 'a.yaml': bad, 'b.yaml': good });
    const first = await plumbing(dir, 'check', '--format', 'json');
    const cached = await plumbing(dir, 'check', '--format', 'json');
    const fresh = await plumbing(dir, 'check', '--format', 'json', '--no-cache');
    expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(first.stdout));
    expect(JSON.parse(fresh.stdout)).toEqual(JSON.parse(first.stdout));
    expect(existsSync(join(dir, '.plumbing', 'cache', 'check-parse.bin'))).toBe(true);
  });

  it('checks what a kustomization renders and points at the base or the patch that wrote the wrong field', async () => {
    const task = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  steps:\n    - name: Compile_Step\n      image: docker.io/library/alpine:3.20\n';
    const dir = repo({
      'deploy/base/kustomization.yaml': 'resources: [task.yaml]\n',
      'deploy/base/task.yaml': task,
      'deploy/dev/kustomization.yaml': 'resources: [../base]\nnamePrefix: dev-\npatches:\n  - path: sidecar.yaml\n',
      'deploy/dev/sidecar.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  sidecars:\n    - name: cache\n',
    });
    for (const args of [['--no-cache'], ['-j', '2']]) {
      const r = await plumbing(join(dir, 'deploy'), 'check', '--quiet', ...args);
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l && !l.startsWith(' ')).map((l) => l.split('  ').slice(0, 3).join(' '))).toEqual([
        'base/task.yaml:7:13 error STEP_INVALID_NAME',
        'dev/sidecar.yaml:7:7 error STEP_MISSING_IMAGE',
      ]);
    }
  });
});
