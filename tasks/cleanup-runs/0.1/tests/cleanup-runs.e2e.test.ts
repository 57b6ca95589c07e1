import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KUBE_TESTENV_ENV, type KubeTestenvInfo } from '@plumbing/kube-testenv';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'cleanup-runs.yaml');
const NS = `cleanup-e2e-${Date.now().toString(36)}`;
let root: string;
let kubeconfig: string;

const kubectl = async (...args: string[]) => (await promisify(execFile)('kubectl', args, { env: process.env })).stdout;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pipelineRun(name: string) {
  return { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, namespace: NS, labels: { 'tekton.dev/pipeline': 'ci' } }, spec: { pipelineRef: { name: 'ci' } } };
}
function taskRun(name: string, labels: Record<string, string>) {
  return { apiVersion: 'tekton.dev/v1', kind: 'TaskRun', metadata: { name, namespace: NS, labels }, spec: { taskRef: { name: 'lint' } } };
}
const finished = (name: string, kind: string) =>
  JSON.stringify({ status: { completionTime: '2024-01-01T00:00:00Z', conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], ...(kind === 'TaskRun' ? { podName: `${name}-pod` } : {}) } });

beforeAll(async () => {
  root = await makeTempDir('cleanup-runs-e2e-');
  const info = JSON.parse(process.env[KUBE_TESTENV_ENV]!) as KubeTestenvInfo;
  kubeconfig = await secretDir(root, 'kubeconfig', { kubeconfig: await readFile(info.kubeconfigPath, 'utf8') });
  await kubectl('create', 'namespace', NS);
  // one object per second, so that creation timestamps order them
  const objects: [object, boolean][] = [
    [pipelineRun('ci-1'), false], // still running (no status)
    [pipelineRun('ci-2'), true],
    [pipelineRun('ci-3'), true],
    [pipelineRun('ci-4'), true],
    [taskRun('lint-1', { 'tekton.dev/task': 'lint' }), true],
    [taskRun('lint-2', { 'tekton.dev/task': 'lint' }), true],
    [taskRun('ci-2-clone', { 'tekton.dev/task': 'git-clone', 'tekton.dev/pipelineRun': 'ci-2' }), true],
  ];
  for (const [o, done] of objects) {
    const file = join(root, 'obj.json');
    await writeFile(file, JSON.stringify(o));
    await kubectl('create', '-f', file);
    const m = (o as { kind: string; metadata: { name: string } });
    if (done) await kubectl('patch', m.kind.toLowerCase(), m.metadata.name, '-n', NS, '--subresource=status', '--type=merge', '-p', finished(m.metadata.name, m.kind));
    await sleep(1100);
  }
});
afterAll(async () => {
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
  await removeTempDir(root);
});

const names = async (kind: string) => (await kubectl('get', kind, '-n', NS, '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();

describe('cleanup-runs 0.1 against a real Kubernetes API server (kube-testenv, Tekton CRDs)', () => {
  it('a dry run deletes nothing', async () => {
    const { run } = await runTask(TASK, { params: { namespace: NS, keep: '1', 'dry-run': 'true' }, workspaces: { kubeconfig } });
    expect(run.succeeded).toBe('True');
    expect(result(run, 'deleted')).toBe('3');
    expect(await names('pipelineruns')).toEqual(['ci-1', 'ci-2', 'ci-3', 'ci-4']);
  });

  it('deletes all but the newest per pipeline and per task, never the running one, and leaves child TaskRuns to their PipelineRun', async () => {
    const { run, code, stderr } = await runTask(TASK, { params: { namespace: NS, keep: '1' }, workspaces: { kubeconfig } });
    expect(code).toBe(0);
    expect([result(run, 'deleted'), result(run, 'kept')]).toEqual(['3', '3']);
    expect(stderr).toContain('keep    PipelineRun ci: ci-1 (still running)');
    expect(await names('pipelineruns')).toEqual(['ci-1', 'ci-4']);
    // ci-2-clone stays: no controller runs here to garbage-collect it by owner reference
    expect(await names('taskruns')).toEqual(['ci-2-clone', 'lint-2']);
  });
});
