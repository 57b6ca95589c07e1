import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO_CACHE, goModule } from '../../../test-support/go-fixture.js';
import { result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'golang-test.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('golang-test-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('golang-test 0.1', () => {
  it('runs the tests and reports passed, failed and skipped counts', async () => {
    const src = await goModule(join(root, 'ok'));
    const { run, code } = await runTask(TASK, { workspaces: { source: src, cache: GO_CACHE } });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    // TestHello, TestTable, TestTable/a, TestTable/b, TestBroken pass; TestSkipped skips
    expect([result(run, 'passed'), result(run, 'failed'), result(run, 'skipped')]).toEqual(['5', '0', '1']);
    expect(result(run, 'summary')).toBe('5 passed, 0 failed, 1 skipped');
  });

  it('passes flags and packages to go test', async () => {
    const src = await goModule(join(root, 'flags'));
    const { run } = await runTask(TASK, { params: { packages: './greet', flags: '-run TestTable -count=1' }, workspaces: { source: src, cache: GO_CACHE } });
    expect(result(run, 'summary')).toBe('3 passed, 0 failed, 0 skipped');
  });

  it('fails the run on a failing test and still reports the summary', async () => {
    const src = await goModule(join(root, 'fail'));
    const { run, code, stderr } = await runTask(TASK, { params: { flags: '-short' }, workspaces: { source: src, cache: GO_CACHE } });
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('broken on purpose');
    expect(stderr).toContain('golang-test: 1 test(s) failed');
    expect(result(run, 'failed')).toBe('1');
    expect(result(run, 'summary')).toBe('4 passed, 1 failed, 1 skipped (FAIL example.com/hello/greet)');
  });

  it('says when a package does not build (no failing test) and when there is no go.mod', async () => {
    const src = await goModule(join(root, 'nobuild'), { 'greet/bad.go': 'package greet\n\nvar x int = "s"\n' });
    const b = await runTask(TASK, { workspaces: { source: src, cache: GO_CACHE } });
    expect(b.run.succeeded).toBe('False');
    expect(b.stderr).toContain('without a failing test: a package did not build');
    const n = await runTask(TASK, { params: { path: 'greet' }, workspaces: { source: src, cache: GO_CACHE } });
    expect(n.stderr).toContain('no go.mod in "greet"');
  });
});
