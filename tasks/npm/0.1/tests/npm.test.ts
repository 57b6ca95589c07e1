import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'npm.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('npm-task-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

/** A Node project with a local dependency (file:), so install works offline. */
async function project(name: string, opts: { lock?: boolean; scripts?: Record<string, string> } = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'app', 'dep'), { recursive: true });
  await writeFile(join(dir, 'app', 'dep', 'package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js' }));
  await writeFile(join(dir, 'app', 'dep', 'index.js'), 'module.exports = (a, b) => a + b;\n');
  const scripts = opts.scripts ?? { test: 'node test.js', fail: 'node -e "process.exit(3)"' };
  await writeFile(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts, dependencies: { dep: 'file:./dep' } }, null, 2));
  await writeFile(
    join(dir, 'app', 'test.js'),
    "const add = require('dep');\nif (add(1, 2) !== 3) throw new Error('bad');\nconsole.log('TEST-ARGS', JSON.stringify(process.argv.slice(2)));\n",
  );
  if (opts.lock) {
    await writeFile(
      join(dir, 'app', 'package-lock.json'),
      JSON.stringify({
        name: 'app',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'app', version: '1.0.0', dependencies: { dep: 'file:./dep' } }, dep: { version: '1.0.0' }, 'node_modules/dep': { resolved: 'dep', link: true } },
      }),
    );
  }
  return dir;
}

describe('npm 0.1', () => {
  it('installs (npm install without a lockfile), runs the script with args, and uses the cache workspace', async () => {
    const src = await project('install');
    const cache = join(root, 'cache');
    await mkdir(cache);
    const { run, code, stderr } = await runTask(TASK, {
      params: { path: 'app', script: 'test', args: ['--grep', 'a b'] },
      workspaces: { source: src, cache },
    });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'node-version')).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(stderr).toContain('npm install');
    expect(stderr).toContain('TEST-ARGS ["--grep","a b"]');
    expect(await readdir(join(src, 'app', 'node_modules'))).toContain('dep');
    expect(await readdir(join(cache, 'npm'))).toContain('_logs');
  });

  it('uses npm ci when there is a lockfile', async () => {
    const src = await project('ci', { lock: true });
    const { run, stderr } = await runTask(TASK, { params: { path: 'app' }, workspaces: { source: src } });
    expect(run.succeeded).toBe('True');
    expect(stderr).toContain('npm ci');
    expect(JSON.parse(await readFile(join(src, 'app', 'package-lock.json'), 'utf8')).lockfileVersion).toBe(3);
  });

  it('fails the run when the script fails', async () => {
    const { run, code } = await runTask(TASK, { params: { path: 'app', script: 'fail' }, workspaces: { source: await project('fails') } });
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
  });

  it('says what is wrong before installing anything: no such script, no package.json, bad install mode, ci without a lockfile', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ path: 'app', script: 'lint' }, 'has no script "lint" (it has: test, fail)'],
      [{ path: '.' }, 'no package.json in "." of the source workspace'],
      [{ path: 'nope' }, 'directory "nope" does not exist'],
      [{ path: 'app', install: 'yarn' }, 'param install must be auto, ci, install or skip'],
      [{ path: 'app', install: 'ci' }, 'has no package-lock.json'],
    ];
    for (const [params, message] of cases) {
      const src = await project(`bad-${message.length}`);
      const { run, stderr } = await runTask(TASK, { params, workspaces: { source: src } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
      expect(await readdir(join(src, 'app'))).not.toContain('node_modules');
    }
  });
});
