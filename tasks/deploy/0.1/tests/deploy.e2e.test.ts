import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { KUBE_TESTENV_ENV, type KubeTestenvInfo } from '@plumbing/kube-testenv';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'deploy.yaml');
const NS = `deploy-e2e-${Date.now().toString(36)}`;
let root: string;
let repo: string;
let kubeconfig: string;
let context: string;

const kubectl = async (...args: string[]) => (await promisify(execFile)('kubectl', args, { env: process.env })).stdout;

beforeAll(async () => {
  root = await makeTempDir('deploy-e2e-');
  const info = JSON.parse(process.env[KUBE_TESTENV_ENV]!) as KubeTestenvInfo;
  const text = await readFile(info.kubeconfigPath, 'utf8');
  context = /current-context:\s*"?([^"\n]+)"?/.exec(text)?.[1] ?? '';
  kubeconfig = await secretDir(root, 'kubeconfig', { kubeconfig: text });
  repo = join(root, 'repo');
  const files: Record<string, string> = {
    '.plumbing.yaml': 'check: {}\n',
    'clusters/prod/cluster.yaml': `apiVersion: plumbing.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: prod\nspec:\n  context: ${context}\n  stateNamespace: ${NS}\n  sources:\n    - path: clusters/prod/resources\n      namespace: ${NS}\n`,
    'clusters/prod/resources/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`,
    'clusters/prod/resources/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  };
  for (const [f, c] of Object.entries(files)) {
    await mkdir(dirname(join(repo, f)), { recursive: true });
    await writeFile(join(repo, f), c);
  }
});
afterAll(async () => {
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
  await removeTempDir(root);
});

describe('deploy 0.1 against a real Kubernetes API server (kube-testenv)', () => {
  it('plans with a dry run (nothing created), deploys, then finds nothing to change', async () => {
    const dry = await runTask(TASK, { params: { cluster: 'prod', 'dry-run': 'true' }, workspaces: { source: repo, kubeconfig } });
    expect(dry.stderr).toContain('plumbing deploy prod');
    expect(dry.run.succeeded, dry.stderr.slice(-3000)).toBe('True');
    expect(await kubectl('get', 'configmaps', '-n', NS, '--ignore-not-found', '-o', 'name')).not.toContain('settings');

    const real = await runTask(TASK, { params: { cluster: 'prod' }, workspaces: { source: repo, kubeconfig } });
    expect(real.run.succeeded, real.stderr.slice(-3000)).toBe('True');
    expect(result(real.run, 'hash')).toMatch(/\S/);
    expect(await kubectl('get', 'configmap', 'settings', '-n', NS, '-o', 'jsonpath={.data.a}')).toBe('1');

    const again = await runTask(TASK, { params: { cluster: 'prod' }, workspaces: { source: repo, kubeconfig } });
    expect(again.run.succeeded).toBe('True');
    expect([result(real.run, 'outcome'), result(again.run, 'outcome')]).toEqual(['deployed', 'no-changes']);
  });
});
