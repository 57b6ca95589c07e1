import { KubeClient, type KubeObject } from '@plumbing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGc } from './gc.js';

// Runs on the real API server of @plumbing/kube-testenv (Tekton CRDs installed, no controller):
// the test writes the runs' statuses as Tekton's controller would.
const namespace = 'e2e-gc';
const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

describe('plumbing gc on a real API server', () => {
  let port: KubeClient;

  async function pipelineRun(name: string, pipeline: string, done: number | 'running'): Promise<void> {
    const obj: KubeObject = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, namespace, labels: { 'tekton.dev/pipeline': pipeline } }, spec: { pipelineRef: { name: pipeline } } };
    await port.create(obj);
    const status =
      done === 'running'
        ? { conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running', lastTransitionTime: hoursAgo(0) }], startTime: hoursAgo(1) }
        : { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', lastTransitionTime: hoursAgo(done) }], startTime: hoursAgo(done + 1), completionTime: hoursAgo(done) };
    await port.patchStatus({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', name, namespace }, status);
  }

  const names = async () => (await port.list('tekton.dev/v1', 'PipelineRun', { namespace })).map((o) => o.metadata.name).sort();

  beforeAll(async () => {
    const kubeconfig = process.env.KUBECONFIG;
    if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through vitest.e2e.config.ts');
    port = await KubeClient.connect({ kubeconfig });
    await port.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const [i, h] of [10, 20, 30, 40].entries()) await pipelineRun(`nightly-${i}`, 'release', h);
    await pipelineRun('nightly-running', 'release', 'running');
    await pipelineRun('ci-0', 'ci', 100);
  });
  afterAll(() => port.close());

  it('changes nothing without --apply, and says what it would delete', async () => {
    const r = await runGc(port, { namespace, keep: 2, minAgeMs: 0, now, apply: false });
    expect(r.decisions.filter((d) => d.action === 'delete').map((d) => d.name)).toEqual(['nightly-2', 'nightly-3']);
    expect(await names()).toEqual(['ci-0', 'nightly-0', 'nightly-1', 'nightly-2', 'nightly-3', 'nightly-running']);
  });

  it('deletes the old runs, keeps the newest per pipeline and the running one; a second pass deletes nothing', async () => {
    const r = await runGc(port, { namespace, keep: 2, minAgeMs: 0, now, apply: true });
    expect(r.deleted).toBe(2);
    // Deletion is asynchronous for objects with finalizers; these have none, so they are gone.
    expect(await names()).toEqual(['ci-0', 'nightly-0', 'nightly-1', 'nightly-running']);
    const again = await runGc(port, { namespace, keep: 2, minAgeMs: 0, now, apply: true });
    expect(again.deleted).toBe(0);
  });
});
