import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applysetId } from './inventory-labels.js';
import { fromYamlStream, hashObjects, loadClusterConfig, renderCluster, toYamlStream } from './render.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'render');

function keys(root: string) {
  return renderCluster(root, loadClusterConfig(root, 'demo')).objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

describe('renderCluster', () => {
  it('keeps the newest catalog version, leaves out runs, tests/ folders and excluded kinds, and sorts by stage', () => {
    expect(keys(FIXTURE)).toEqual(['Namespace//ci', 'ConfigMap/other/settings', 'ServiceAccount/ci/runner', 'Task/ci/git-clone', 'Task/ci/lint']);
  });

  it('applies the default namespace and the inventory label, and drops a namespace from cluster-scoped kinds', () => {
    const r = renderCluster(FIXTURE, loadClusterConfig(FIXTURE, 'demo'));
    const task = r.objects.find((o) => o.kind === 'Task' && o.metadata.name === 'git-clone')!;
    expect(task.metadata).toEqual({ name: 'git-clone', namespace: 'ci', labels: { 'app.kubernetes.io/version': '0.2', 'applyset.kubernetes.io/part-of': applysetId('demo', 'demo-system') } });
    expect(r.objects[0]!.metadata.namespace).toBeUndefined();
    expect(r.files['Task.tekton.dev/ci/git-clone']).toBe('tasks/git-clone/0.2/git-clone.yaml');
  });

  it('prints the same stream every time (golden file), and the stream reads back to the same hash', async () => {
    const r = renderCluster(FIXTURE, loadClusterConfig(FIXTURE, 'demo'));
    const text = toYamlStream(r.objects);
    await expect(text).toMatchFileSnapshot('../test/fixtures/render.golden.yaml');
    expect(hashObjects(fromYamlStream(text))).toBe(r.hash);
    expect(renderCluster(FIXTURE, loadClusterConfig(FIXTURE, 'demo')).hash).toBe(r.hash);
  });

  it('fails on two objects with the same identity, naming both files', () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-render-'));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      const cfg = join(root, 'clusters/demo/cluster.yaml');
      writeFileSync(cfg, `${cpText(cfg).replace('excludeKinds: [ConfigMap]', 'excludeKinds: [ConfigMap]\n      versions: all')}`);
      expect(() => renderCluster(root, loadClusterConfig(root, 'demo'))).toThrow(/tasks\/git-clone\/0.2\/git-clone.yaml: Task ci\/git-clone is also defined in tasks\/git-clone\/0.1\/git-clone.yaml/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses an invalid cluster config with the findings of plumbing check', () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-render-'));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      const cfg = join(root, 'clusters/demo/cluster.yaml');
      writeFileSync(cfg, cpText(cfg).replace('stateNamespace: demo-system', 'stateNamespace: demo-system\n  prun: {}'));
      expect(() => loadClusterConfig(root, 'demo')).toThrow(/cluster.yaml:8:3\s+error\s+CONFIG_INVALID\s+unknown field prun/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('renders the seed cluster of this repository without the Cluster config itself', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const r = renderCluster(root, loadClusterConfig(root, 'dogfooding'));
    expect(r.objects.some((o) => o.kind === 'Cluster')).toBe(false);
    expect(r.objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name)).toContain('hourly-deploy');
    expect(r.objects.every((o) => o.metadata.labels?.['applyset.kubernetes.io/part-of'] === r.applysetId)).toBe(true);
  });
});

function cpText(path: string): string {
  return readFileSync(path, 'utf8');
}
