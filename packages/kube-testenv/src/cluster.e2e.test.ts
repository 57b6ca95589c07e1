import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { task, invalidTask, pipelineRun } from '../test/tekton-objects.js';
import { ensureKubeBinaries, type KubeBinaries } from './binaries.js';
import { livePids, startTestCluster, type TestCluster } from './cluster.js';
import { kubeCall, kubeRequest } from './kube-client.js';
import { installTektonCrds } from './tekton-crds.js';

/** Pids of processes whose command line mentions `needle` (here: the cluster's temp dir). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

describe('startTestCluster (its own API server, not the shared one)', () => {
  let bins: KubeBinaries;
  let cluster: TestCluster;
  const ns = 'kube-testenv-e2e';

  beforeAll(async () => {
    bins = await ensureKubeBinaries();
    cluster = await startTestCluster({ kubeconfig: null, binaries: bins });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves /version of the pinned Kubernetes release', async () => {
    const version = (await kubeCall(cluster.connection, { method: 'GET', path: '/version' })) as { gitVersion: string };
    expect(version.gitVersion).toBe('v1.34.4');
  });

  it('creates a Namespace and a ConfigMap through the API', async () => {
    await kubeCall(cluster.connection, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    await kubeCall(cluster.connection, {
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/configmaps`,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hello' } },
    });
    const cm = (await kubeCall(cluster.connection, { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/settings` })) as { data: unknown };
    expect(cm.data).toEqual({ greeting: 'hello' });
  });

  it('writes a kubeconfig kubectl can use', () => {
    const out = execFileSync(bins.kubectl, ['--kubeconfig', cluster.kubeconfigPath, 'get', 'configmap', 'settings', '-n', ns, '-o', 'jsonpath={.data.greeting}'], {
      encoding: 'utf8',
    });
    expect(out).toBe('hello');
  });

  it('installs the Tekton CRDs until Established', async () => {
    const names = await installTektonCrds(cluster.kubeconfigPath);
    expect(names).toEqual(expect.arrayContaining(['tasks.tekton.dev', 'pipelineruns.tekton.dev', 'triggers.triggers.tekton.dev', 'eventlisteners.triggers.tekton.dev']));
  });

  it('installs again idempotently: existing CRDs kept by default, re-applied with replaceExisting', async () => {
    const kept = await installTektonCrds(cluster.connection);
    const replaced = await installTektonCrds(cluster.connection, { replaceExisting: true });
    expect(replaced).toEqual(kept);
  });

  it('accepts a Tekton Task and PipelineRun validated by the CRD schemas', async () => {
    await kubeCall(cluster.connection, { method: 'POST', path: `/apis/tekton.dev/v1/namespaces/${ns}/tasks`, body: task(ns) });
    await kubeCall(cluster.connection, { method: 'POST', path: `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns`, body: pipelineRun(ns) });
    const run = (await kubeCall(cluster.connection, { method: 'GET', path: `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns/echo-run` })) as { spec: { pipelineSpec: { tasks: { taskRef: unknown }[] } } };
    expect(run.spec.pipelineSpec.tasks[0]?.taskRef).toEqual({ name: 'echo' });
  });

  it('rejects a Task that breaks the CRD schema (server-side validation)', async () => {
    const res = await kubeRequest(cluster.connection, { method: 'POST', path: `/apis/tekton.dev/v1/namespaces/${ns}/tasks`, body: invalidTask(ns) });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'spec.steps' })] } });
  });

  it('stops everything: no process left, temp dir removed', async () => {
    const dir = cluster.dir!;
    expect(cluster.pids).toHaveLength(2);
    expect(livePids(cluster.pids)).toEqual(cluster.pids);
    await cluster.stop();
    expect(livePids(cluster.pids)).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    await expect(kubeRequest(cluster.connection, { method: 'GET', path: '/readyz', timeoutMs: 2000 })).rejects.toMatchObject({ code: 'KUBE_API_UNREACHABLE' });
  });
});
