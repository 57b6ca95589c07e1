import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'collect-logs.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('collect-logs-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

async function write(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), c);
  }
  return dir;
}

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('collect-logs 0.1', () => {
  it('exports the step logs of a PipelineRun from run records to a file:// bucket, with one logs.txt', async () => {
    const logs = await write(join(root, 'records'), {
      'release-abcde/release-abcde-build/build.log': 'building\n',
      'release-abcde/release-abcde-test/test.log': 'FAIL TestX\n',
      'release-abcde/status.json': '{}',
      'other-run/x/y.log': 'not this run\n',
    });
    const bucket = await write(join(root, 'bucket1'), {});
    const { run, code } = await runTask(TASK, {
      params: { pipelinerun: 'release-abcde', 'bucket-url': 'file:///', path: 'plumbing/previous/v0.1.0/logs/release-abcde' },
      workspaces: { logs, bucket },
    });
    expect(code).toBe(0);
    expect(result(run, 'url')).toBe('file:///plumbing/previous/v0.1.0/logs/release-abcde');
    expect(result(run, 'files')).toBe('2');
    const base = join(bucket, 'plumbing/previous/v0.1.0/logs/release-abcde');
    expect(await listing(bucket)).toEqual(['release-abcde-build/build.log', 'release-abcde-test/test.log', 'logs.txt'].map((f) => `plumbing/previous/v0.1.0/logs/release-abcde/${f}`).sort());
    expect(await readFile(join(base, 'logs.txt'), 'utf8')).toBe(
      '==> release-abcde-build/build.log <==\nbuilding\n\n==> release-abcde-test/test.log <==\nFAIL TestX\n\n',
    );
  });

  it('collects the real records that plumbing run wrote (.plumbing/runs) for a run it just made', async () => {
    const src = await write(join(root, 'src'), { 'go.mod': 'module x\n' });
    const first = await runTask(join(REPO_ROOT, 'tasks/detect-build-type/0.1/detect-build-type.yaml'), { workspaces: { source: src } });
    const bucket = await write(join(root, 'bucket2'), {});
    const { run } = await runTask(TASK, {
      params: { pipelinerun: first.run.name, 'bucket-url': 'file:///', path: `logs/${first.run.name}` },
      workspaces: { logs: join(REPO_ROOT, '.plumbing', 'runs'), bucket },
    });
    expect(run.succeeded).toBe('True');
    expect(await readFile(join(bucket, 'logs', first.run.name, first.run.name, 'detect.log'), 'utf8')).toContain('detected build type: go');
  });

  it('never overwrites logs already exported, and says what is wrong', async () => {
    const logs = await write(join(root, 'records3'), { 'r1/t/s.log': 'x\n' });
    const bucket = await write(join(root, 'bucket3'), { 'logs/r1/logs.txt': 'old\n' });
    const again = await runTask(TASK, { params: { pipelinerun: 'r1', 'bucket-url': 'file:///', path: 'logs/r1' }, workspaces: { logs, bucket } });
    expect(again.run.succeeded).toBe('False');
    expect(again.stderr).toContain('logs already exist at file:///logs/r1; nothing was overwritten');
    expect(await readFile(join(bucket, 'logs/r1/logs.txt'), 'utf8')).toBe('old\n');
    const cases: [Record<string, string>, string][] = [
      [{ pipelinerun: 'nope', 'bucket-url': 'file:///', path: 'p' }, 'workspace logs has no records of PipelineRun nope'],
      [{ pipelinerun: 'Bad_Name', 'bucket-url': 'file:///', path: 'p' }, 'is not a Kubernetes name'],
      [{ pipelinerun: 'r1', 'bucket-url': 'ftp://x', path: 'p' }, 'param bucket-url must start with file:///, s3:// or gs://'],
    ];
    for (const [params, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params, workspaces: { logs, bucket } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
  });

  it('without a logs workspace it asks the cluster (kubectl), and says so when there is none', async () => {
    const bucket = await write(join(root, 'bucket4'), {});
    const { run, stderr } = await runTask(TASK, { params: { pipelinerun: 'release-x', namespace: 'tekton-ci', 'bucket-url': 'file:///', path: 'p' }, workspaces: { bucket } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('kubectl cannot list the pods of PipelineRun release-x in namespace tekton-ci');
    expect(await listing(bucket)).toEqual([]);
  });
});
