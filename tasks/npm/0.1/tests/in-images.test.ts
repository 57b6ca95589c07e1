// npm in its image: docker.io/library/node:20.19-alpine comes from a loopback mirror holding an
// image built here (busybox-static + this machine's node and npm; tasks/test-support/catalog-images.ts).
// The project's one dependency is local (file:), so the install needs no npm registry.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, plumbing, removeTempDir, result } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogMirror, startCatalogMirror } from '../../../test-support/catalog-images.js';

const TASK = join(import.meta.dirname, '..', 'npm.yaml');
let mirror: CatalogMirror;
let dir: string;

beforeAll(async () => {
  mirror = await startCatalogMirror({ npm: true });
  dir = await makeTempDir('npm-images-');
});
afterAll(async () => {
  await mirror?.stop();
  await removeTempDir(dir);
});

describe('npm 0.1 in its image', () => {
  it("installs and runs the project's script with its args, with its step in the pulled node image", async () => {
    const app = join(dir, 'src', 'app');
    await mkdir(join(app, 'dep'), { recursive: true });
    await writeFile(join(app, 'dep', 'package.json'), JSON.stringify({ name: 'dep', version: '1.0.0', main: 'index.js' }));
    await writeFile(join(app, 'dep', 'index.js'), 'module.exports = (a, b) => a + b;\n');
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { test: 'node test.js' }, dependencies: { dep: 'file:./dep' } }));
    await writeFile(join(app, 'test.js'), "if (require('dep')(1, 2) !== 3) throw new Error('bad');\nconsole.log('TEST-ARGS', JSON.stringify(process.argv.slice(2)), process.execPath);\n");
    const out = await plumbing(['task', TASK, '-p', 'path=app', '-p', 'script=test', '-p', 'args=--grep', '-w', `source=${join(dir, 'src')}`, '--images', 'pull'], {
      cwd: mirror.root,
      env: { PLUMBING_CACHE: join(dir, 'cache') },
    });
    expect([out.code, out.runs[0]?.succeeded], out.stderr).toEqual([0, 'True']);
    expect(result(out.runs[0]!, 'node-version')).toBe(process.version);
    expect(out.stderr).toContain('npm install');
    expect(out.stderr).toContain('TEST-ARGS ["--grep"] /usr/local/bin/node');
    expect(await readdir(join(app, 'node_modules'))).toContain('dep');
    expect(out.stderr).toMatch(/running in \S*library\/node@sha256:[0-9a-f]{12} \(pulled\)/);
  });
});
