import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO_CACHE, goModule } from '../../../test-support/go-fixture.js';
import { result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'golang-build.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('golang-build-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('golang-build 0.1', () => {
  it('builds the main packages for linux/amd64 into bin/ and reports them', async () => {
    const src = await goModule(join(root, 'ok'));
    const { run, code } = await runTask(TASK, { workspaces: { source: src, cache: GO_CACHE } });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'binaries')).toBe('bin/hello');
    expect(result(run, 'go-version')).toMatch(/^go1\./);
    const { stdout } = await promisify(execFile)(join(src, 'bin', 'hello'));
    expect(stdout).toBe('hello, world\n');
  });

  it('cross-compiles for GOOS/GOARCH with the given packages, flags and output directory', async () => {
    const src = await goModule(join(root, 'cross'));
    const { run } = await runTask(TASK, {
      params: { packages: './cmd/hello', flags: '-trimpath -ldflags=-s', GOOS: 'windows', GOARCH: 'arm64', output: 'dist' },
      workspaces: { source: src, cache: GO_CACHE },
    });
    expect(run.succeeded).toBe('True');
    expect(result(run, 'binaries')).toBe('dist/hello.exe');
    const exe = await readFile(join(src, 'dist', 'hello.exe'));
    expect(exe.subarray(0, 2).toString()).toBe('MZ');
  });

  it('fails clearly, leaving no output, on a compile error, an unknown target or a directory without go.mod', async () => {
    const broken = await goModule(join(root, 'broken'), { 'cmd/hello/oops.go': 'package main\n\nfunc oops() { undefined() }\n' });
    const b = await runTask(TASK, { workspaces: { source: broken, cache: GO_CACHE } });
    expect(b.run.succeeded).toBe('False');
    expect(b.stderr).toContain('undefined: undefined');
    expect(b.stderr).toContain('go build failed');
    expect(await readdir(broken)).not.toContain('bin');
    const t = await runTask(TASK, { params: { GOOS: 'plan10' }, workspaces: { source: await goModule(join(root, 'target')), cache: GO_CACHE } });
    expect(t.stderr).toContain('GOOS/GOARCH plan10/amd64 is not a target go can build for');
    const n = await runTask(TASK, { params: { path: 'cmd' }, workspaces: { source: await goModule(join(root, 'nomod')), cache: GO_CACHE } });
    expect(n.run.succeeded).toBe('False');
    expect(n.stderr).toContain('no go.mod in "cmd" of the source workspace');
  });
});
