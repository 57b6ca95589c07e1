import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'plumbing-check.yaml');
let root: string;

const GOOD_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: hello
spec:
  steps:
    - name: hello
      image: docker.io/library/alpine:3.20
      script: |
        #!/bin/sh
        echo hello
`;
// a step without an image: an error; an unpinned image: a warning
const BAD_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: broken
spec:
  steps:
    - name: no-image
      script: |
        #!/bin/sh
        echo hi
`;
const WARN_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: unpinned
spec:
  steps:
    - name: s
      image: docker.io/library/alpine:latest
      script: |
        #!/bin/sh
        echo hi
`;

async function repo(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [f, c] of Object.entries({ '.plumbing.yaml': 'check: {}\n', ...files })) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), c);
  }
  return dir;
}

beforeAll(async () => {
  root = await makeTempDir('plumbing-check-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('plumbing-check 0.1 (the plumbing CLI as installed by images/plumbing/install-host.sh)', () => {
  it('passes a clean repository with zero counts', async () => {
    const { run, code } = await runTask(TASK, { workspaces: { source: await repo('clean', { 'tekton/hello.yaml': GOOD_TASK }) } });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(['errors', 'warnings', 'infos', 'files'].map((r) => result(run, r))).toEqual(['0', '0', '0', '0']);
  });

  it('fails on an error, prints the finding compiler-style and still reports the counts', async () => {
    const src = await repo('broken', { 'tekton/hello.yaml': GOOD_TASK, 'tekton/broken.yaml': BAD_TASK, 'tekton/unpinned.yaml': WARN_TASK });
    const { run, code, stderr } = await runTask(TASK, { workspaces: { source: src } });
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(stderr).toMatch(/tekton\/broken\.yaml:\d+:\d+ {2}error {2}STEP_MISSING_IMAGE/);
    expect(stderr).toMatch(/tekton\/unpinned\.yaml:\d+:\d+ {2}warning {2}IMAGE_UNPINNED/);
    expect([result(run, 'errors'), result(run, 'warnings'), result(run, 'files')]).toEqual(['1', '1', '2']);
  });

  it('fail-on=warning fails on warnings, fail-on=never only reports', async () => {
    const src = await repo('warn', { 'tekton/unpinned.yaml': WARN_TASK });
    const strict = await runTask(TASK, { params: { 'fail-on': 'warning' }, workspaces: { source: src } });
    expect(strict.run.succeeded).toBe('False');
    expect(strict.stderr).toContain('failing on errors or warnings (param fail-on=warning)');
    const lax = await runTask(TASK, { params: { 'fail-on': 'never' }, workspaces: { source: await repo('never', { 'a/broken.yaml': BAD_TASK }) } });
    expect(lax.run.succeeded).toBe('True');
    expect(result(lax.run, 'errors')).toBe('1');
  });

  it('checks only the given paths, under path, with profiles', async () => {
    const src = await repo('mono', { 'repo/.plumbing.yaml': 'check: {}\n', 'repo/ok/hello.yaml': GOOD_TASK, 'repo/bad/broken.yaml': BAD_TASK });
    const only = await runTask(TASK, { params: { path: 'repo', paths: ['ok'] }, workspaces: { source: src } });
    expect(only.run.succeeded).toBe('True');
    // the catalog profile asks a Task for its version label, categories, description ...
    const cat = await runTask(TASK, { params: { path: 'repo', paths: ['ok'], profiles: 'catalog', 'fail-on': 'never' }, workspaces: { source: src } });
    expect(cat.stderr).toContain('CATALOG_VERSION_LABEL');
    expect(Number(result(cat.run, 'errors'))).toBeGreaterThan(0);
  });

  it('says what is wrong with its params', async () => {
    const src = await repo('params', { 'a/hello.yaml': GOOD_TASK });
    const cases: [Record<string, string | string[]>, string][] = [
      [{ 'fail-on': 'sometimes' }, 'param fail-on must be error, warning or never'],
      [{ path: 'nope' }, 'directory "nope" does not exist'],
      [{ paths: ['a', 'b'] }, 'param paths: "b" does not exist in "."'],
    ];
    for (const [params, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params, workspaces: { source: src } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
  });
});
