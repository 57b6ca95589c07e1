import type { KubeClient, KubeObject } from '@plumbing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, FixtureRepo, ns, testPort } from '../test/fixture-repo.js';
import { deploy } from './deploy.js';

function deployment(name: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } } },
  };
}

/** Plays the part of a controller (none runs on this API server): waits for an object, then writes its status. */
async function controller(port: KubeClient, find: () => Promise<KubeObject | undefined>, status: (o: KubeObject) => Record<string, unknown>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const o = await find();
    if (o) {
      await port.patchStatus({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }, status(o));
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the object never appeared');
}

describe('health waits and post-deploy runs on a real API server (a test plays the controllers)', () => {
  const repo = new FixtureRepo('e2e-health');
  const dir = 'clusters/e2e-health/manifests';
  let port: KubeClient;
  beforeAll(async () => {
    port = await testPort();
  });
  afterAll(() => {
    port.close();
    repo.cleanup();
  });

  it('waits for a Deployment it applied until its controller reports it ready, without a configured health check', async () => {
    repo.config().write(`${dir}/all.yaml`, [ns('e2e-health-a'), deployment('web', 'nginx:1.27')]);
    const lines: string[] = [];
    const ready = controller(
      port,
      () => port.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'e2e-health-a' }),
      (o) => ({ observedGeneration: o.metadata.generation, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] }),
    );
    const r = await deploy({ port, root: repo.root, config: repo.load(), log: (l) => lines.push(l), pollMs: 100 });
    await ready;
    expect(r.outcome).toBe('deployed');
    expect(lines).toContain('healthy: Deployment.apps/e2e-health-a/web');
  });

  it('a pipelineRun post-deploy test creates the run and waits for it to succeed', async () => {
    repo
      .config({ postDeployTests: [{ name: 'smoke', type: 'pipelineRun', file: 'clusters/e2e-health/tests/smoke.yaml', timeoutSeconds: 30 }] })
      .write(`${dir}/all.yaml`, [ns('e2e-health-a'), deployment('web', 'nginx:1.27'), configMap('settings', { level: 'info' })]) // a change: the tests run after an apply
      .write('clusters/e2e-health/tests/smoke.yaml', [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'smoke-1', namespace: 'e2e-health-a' }, spec: { pipelineSpec: { tasks: [{ name: 'a', taskSpec: { steps: [{ name: 's', image: 'alpine', script: 'true' }] } }] } } }]);
    const done = controller(
      port,
      () => port.get({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', name: 'smoke-1', namespace: 'e2e-health-a' }),
      () => ({ conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1' }] }),
    );
    const lines: string[] = [];
    const r = await deploy({ port, root: repo.root, config: repo.load(), log: (l) => lines.push(l), pollMs: 100 });
    await done;
    expect(r.outcome).toBe('deployed');
    expect(lines).toContain('test smoke: PipelineRun succeeded');
  });
});
