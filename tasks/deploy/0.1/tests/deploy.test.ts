import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'deploy.yaml');
let root: string;
let repo: string;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://127.0.0.1:1
contexts:
  - name: prod
    context:
      cluster: prod
      user: bot
current-context: prod
users:
  - name: bot
    user:
      token: kube-token-123
`;

beforeAll(async () => {
  root = await makeTempDir('deploy-task-test-');
  repo = join(root, 'repo');
  const files: Record<string, string> = {
    '.plumbing.yaml': 'check: {}\n',
    'clusters/prod/cluster.yaml': 'apiVersion: plumbing.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: prod\nspec:\n  context: prod\n  sources:\n    - path: clusters/prod/resources\n      namespace: ci\n',
    'clusters/prod/resources/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  };
  for (const [f, c] of Object.entries(files)) {
    await mkdir(dirname(join(repo, f)), { recursive: true });
    await writeFile(join(repo, f), c);
  }
});
afterAll(async () => {
  await removeTempDir(root);
});

describe('deploy 0.1 (plumbing deploy; no Kubernetes API server in these tests)', () => {
  it('runs plumbing deploy with the kubeconfig, and reports an unreachable cluster as outcome error with its cause', async () => {
    const kc = await secretDir(root, 'kc', { kubeconfig: KUBECONFIG });
    const { run, code, stderr } = await runTask(TASK, { params: { cluster: 'prod', 'dry-run': 'true' }, workspaces: { source: repo, kubeconfig: kc } });
    expect(code).toBe(1);
    expect(run.succeeded).toBe('False');
    expect(stderr).toMatch(/plumbing deploy prod --root \S+ --format json --wait-lock 0 --dry-run --kubeconfig \S+\/kubeconfig/);
    expect(stderr).toContain('deploy: KUBE_UNREACHABLE: GET /api/v1: cannot reach https://127.0.0.1:1');
    expect(result(run, 'outcome')).toBe('error');
    expect(stderr).not.toContain('kube-token-123');
  });

  it('without a kubeconfig it deploys in-cluster (and says when it is not in a cluster)', async () => {
    const { run, stderr } = await runTask(TASK, { params: { cluster: 'prod', 'dry-run': 'true' }, workspaces: { source: repo } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('--in-cluster');
    expect(result(run, 'outcome')).toBe('error');
  });

  it('checks its input first: cluster directory, params, the kubeconfig workspace', async () => {
    const cases: [Record<string, string>, Record<string, string> | undefined, string][] = [
      [{ cluster: 'staging' }, undefined, 'no clusters/staging/cluster.yaml in the checkout (clusters: prod'],
      [{ cluster: 'Prod!' }, undefined, 'is not a cluster directory name'],
      [{ cluster: 'prod', 'dry-run': 'no' }, undefined, 'param dry-run must be "true" or "false"'],
      [{ cluster: 'prod' }, { config: KUBECONFIG }, 'workspace kubeconfig has no key kubeconfig (param kubeconfig-key; it has: config'],
      [{ cluster: 'prod' }, { kubeconfig: 'server: x' }, 'kubeconfig is not a kubeconfig (no kind: Config)'],
    ];
    let i = 0;
    for (const [params, kcFiles, message] of cases) {
      const workspaces: Record<string, string> = { source: repo };
      if (kcFiles) workspaces.kubeconfig = await secretDir(root, `kc-${i++}`, kcFiles);
      const { run, stderr } = await runTask(TASK, { params, workspaces });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('plumbing deploy prod --root');
    }
  });
});
