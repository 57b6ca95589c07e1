import { FaultInjectingPort, injectedFault, type KubeClient, type KubeObject } from '@plumbing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, FixtureRepo, ns, serviceAccount, task, testPort } from '../test/fixture-repo.js';
import { deploy, rollback } from './deploy.js';
import { normalize } from './diff.js';
import { PART_OF_LABEL } from './inventory-labels.js';
import { renderCluster } from './render.js';
import { listHistory, readInventory } from './state.js';

const log = () => {};
const KINDS: [string, string][] = [
  ['v1', 'Namespace'],
  ['v1', 'ConfigMap'],
  ['v1', 'ServiceAccount'],
  ['tekton.dev/v1', 'Task'],
  ['apps/v1', 'Deployment'],
];

/** Every member of the inventory as normalized JSON, by key: "exactly the previous state" is compared on this. */
async function snapshot(port: KubeClient, id: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [v, k] of KINDS) {
    for (const o of await port.list(v, k, { labelSelector: `${PART_OF_LABEL}=${id}` })) out[`${k}/${o.metadata.namespace ?? ''}/${o.metadata.name}`] = normalize(o);
  }
  return out;
}

function deployment(name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
  };
}

describe('automatic rollback on a real API server', () => {
  const repo = new FixtureRepo('e2e-rb');
  const dir = 'clusters/e2e-rb/manifests';
  let port: KubeClient;
  let id: string;
  let good: Record<string, unknown>;

  beforeAll(async () => {
    port = await testPort();
    repo
      .config()
      .write(`${dir}/ns.yaml`, [ns('e2e-rb-a')])
      .write(`${dir}/config.yaml`, [configMap('c1', { v: '1' }), configMap('c2', { v: '1' }), configMap('gone-later', { v: '1' })])
      .write(`${dir}/sa.yaml`, [serviceAccount('sa1')])
      .write(`${dir}/tasks.yaml`, [task('t1'), task('t2')]);
    const config = repo.load();
    id = renderCluster(repo.root, config).applysetId;
    const r = await deploy({ port, root: repo.root, config, log, commit: 'good1' });
    expect(r.outcome).toBe('deployed');
    good = await snapshot(port, id);
  });
  afterAll(() => {
    port.close();
    repo.cleanup();
  });

  /** A change that updates, creates and prunes at once. */
  function change(suffix: string): void {
    repo
      .write(`${dir}/config.yaml`, [configMap('c1', { v: `2-${suffix}` }), configMap('c2', { v: `2-${suffix}` }), configMap(`new-${suffix}`, { v: '1' })])
      .write(`${dir}/tasks.yaml`, [task('t1', 'alpine:3.21'), task('t2'), task(`t-new-${suffix}`)]);
  }

  it('a failure injected when applying object k rolls back to exactly the previous state and quarantines the revision', async () => {
    change('a');
    const config = repo.load();
    let applies = 0;
    const faulty = new FaultInjectingPort(port, (method, args) => {
      const opts = args[1] as { dryRun?: boolean } | undefined;
      if (method !== 'apply' || opts?.dryRun) return undefined;
      const obj = args[0] as KubeObject;
      if (obj.kind === 'Secret') return undefined; // inventory and history writes
      applies++;
      return applies === 4 ? injectedFault(`apply of ${obj.kind} ${obj.metadata.name}`) : undefined;
    });
    const r = await deploy({ port: faulty, root: repo.root, config, log, commit: 'bad1' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.message).toContain('injected fault');
    expect(r.message).toContain('rolled back to revision 1');
    expect(r.message).toContain('quarantined');
    expect(await snapshot(port, id)).toEqual(good);
    const state = await readInventory(port, 'e2e-rb', 'e2e-rb-state');
    expect(state.lastGood?.revision).toBe(1);
    expect(state.bad).toMatchObject([{ commit: 'bad1', hash: renderCluster(repo.root, config).hash }]);
    expect(state.kinds.map((k) => k.kind).sort()).toEqual(['ConfigMap', 'Namespace', 'ServiceAccount', 'Task']);
  });

  it('the next run does not deploy the quarantined revision again, but a newer commit supersedes it', async () => {
    const config = repo.load();
    const again = await deploy({ port, root: repo.root, config, log, commit: 'bad1' });
    expect(again.outcome).toBe('quarantined');
    expect(again.message).toMatch(/not deploying it again until a newer commit/);
    expect(await snapshot(port, id)).toEqual(good);
    const newer = await deploy({ port, root: repo.root, config, log, commit: 'fixed2' });
    expect(newer.outcome).toBe('deployed');
    expect(newer.revision).toBe(2);
  });

  it('a failed health check rolls back what the attempt created, updated and pruned', async () => {
    const before = await snapshot(port, id);
    change('b');
    repo.write(`${dir}/deploy.yaml`, [deployment('web')]);
    // no controller runs on this API server: the Deployment never becomes ready
    repo.config({ healthChecks: [{ kind: 'Deployment', name: 'web', namespace: 'e2e-rb-a', timeoutSeconds: 2 }] });
    const r = await deploy({ port, root: repo.root, config: repo.load(), log, commit: 'bad3', pollMs: 200 });
    expect(r.outcome).toBe('rolled-back');
    expect(r.error?.message).toMatch(/health checks: Deployment\.apps\/e2e-rb-a\/web not healthy after 2s/);
    expect(await snapshot(port, id)).toEqual(before);
    repo.remove(`${dir}/deploy.yaml`).config();
  });

  it('a failed post-deploy test rolls back', async () => {
    const before = await snapshot(port, id);
    change('c');
    repo.write('clusters/e2e-rb/tests/runs.yaml', [
      { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'smoke', namespace: 'e2e-rb-a' }, spec: { pipelineRef: { name: 'x' }, timeouts: 'not-a-map' } },
    ]);
    repo.config({ postDeployTests: [{ name: 'runs-valid', type: 'dryRunFile', file: 'clusters/e2e-rb/tests/runs.yaml' }] });
    const r = await deploy({ port, root: repo.root, config: repo.load(), log, commit: 'bad4' });
    expect(r.outcome).toBe('rolled-back');
    expect(r.error?.message).toMatch(/post-deploy test runs-valid/);
    expect(await snapshot(port, id)).toEqual(before);
    repo.config();
  });

  it('deploy rollback goes back to an earlier revision by hand and quarantines the current one', async () => {
    const r = await rollback({ port, root: repo.root, config: repo.load(), log, to: 1 });
    expect(r.message).toMatch(/rolled back to revision 1 as revision 3/);
    expect(await snapshot(port, id)).toEqual(good);
    const history = await listHistory(port, 'e2e-rb', 'e2e-rb-state');
    expect(history.map((h) => [h.revision, h.rollbackOf])).toEqual([
      [3, 1],
      [2, undefined],
      [1, undefined],
    ]);
  });
});
