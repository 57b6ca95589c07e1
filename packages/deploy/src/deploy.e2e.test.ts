import type { KubeClient } from '@plumbing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, FixtureRepo, ns, role, serviceAccount, task, testPort } from '../test/fixture-repo.js';
import { deploy, keysOf } from './deploy.js';
import { formatPlan } from './plan.js';
import { PART_OF_LABEL, PRUNE_ANNOTATION } from './inventory-labels.js';
import { acquireLease, leaseName } from './lease.js';
import { renderCluster } from './render.js';
import { listHistory, readInventory } from './state.js';

const log = () => {};

/** Keys of every object carrying the cluster's part-of label, per kind listed. */
async function members(port: KubeClient, id: string): Promise<string[]> {
  const kinds: [string, string][] = [
    ['v1', 'Namespace'],
    ['v1', 'ConfigMap'],
    ['v1', 'ServiceAccount'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['tekton.dev/v1', 'Task'],
  ];
  const out: string[] = [];
  for (const [v, k] of kinds) for (const o of await port.list(v, k, { labelSelector: `${PART_OF_LABEL}=${id}` })) out.push(`${k}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  return out.sort();
}

describe('plumbing deploy on a real API server', () => {
  const repo = new FixtureRepo('e2e-basic');
  const dir = `clusters/e2e-basic/manifests`;
  let port: KubeClient;

  beforeAll(async () => {
    port = await testPort();
    repo
      .config()
      .write(`${dir}/namespaces.yaml`, [ns('e2e-basic-a'), ns('e2e-basic-b')])
      .write(`${dir}/config.yaml`, [configMap('settings', { level: 'info' }), configMap('other', { x: '1' }, 'e2e-basic-b')])
      .write(`${dir}/rbac.yaml`, [serviceAccount('runner'), role('runner')])
      .write(`${dir}/tasks.yaml`, [task('hello'), task('build', 'golang:1.23', 'go build ./...')]);
  });
  afterAll(() => {
    port.close();
    repo.cleanup();
  });

  it('first deploy creates every object, stage by stage, and records revision 1', async () => {
    const config = repo.load();
    const rendered = renderCluster(repo.root, config);
    const r = await deploy({ port, root: repo.root, config, log, commit: 'c1' });
    expect(r.message).toMatch(/deployed revision 1/);
    expect(r.outcome).toBe('deployed');
    expect(r.plan?.counts).toMatchObject({ create: 8, update: 0, prune: 0 });
    expect(await members(port, rendered.applysetId)).toEqual([
      'ConfigMap/e2e-basic-a/settings',
      'ConfigMap/e2e-basic-b/other',
      'Namespace//e2e-basic-a',
      'Namespace//e2e-basic-b',
      'Role/e2e-basic-a/runner',
      'ServiceAccount/e2e-basic-a/runner',
      'Task/e2e-basic-a/build',
      'Task/e2e-basic-a/hello',
    ]);
    const state = await readInventory(port, 'e2e-basic', 'e2e-basic-state');
    expect(state.lastGood).toMatchObject({ revision: 1, hash: rendered.hash, commit: 'c1' });
    const parent = await port.get({ apiVersion: 'v1', kind: 'Secret', name: 'plumbing-applyset-e2e-basic', namespace: 'e2e-basic-state' });
    expect(parent?.metadata.annotations).toMatchObject({
      'applyset.kubernetes.io/tooling': 'plumbing/v1',
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Namespace,Role.rbac.authorization.k8s.io,ServiceAccount,Task.tekton.dev',
      'applyset.kubernetes.io/additional-namespaces': 'e2e-basic-a,e2e-basic-b',
    });
    expect(parent?.metadata.labels?.['applyset.kubernetes.io/id']).toBe(rendered.applysetId);
  });

  it('a redeploy of the same set is a no-op in at most 2 API calls per kind', async () => {
    const config = repo.load();
    const counted = await testPort();
    const r = await deploy({ port: counted, root: repo.root, config, log });
    counted.close();
    expect(r.outcome).toBe('no-changes');
    const kinds = 5;
    expect(r.calls.total).toBeLessThanOrEqual(2 * kinds);
    expect(r.calls.byVerb).toEqual({ get: 1, discover: 3, list: 5 });
  });

  it('a dry run shows a change as a readable diff, and a deploy applies it', async () => {
    repo.write(`${dir}/config.yaml`, [configMap('settings', { level: 'debug' }), configMap('other', { x: '1' }, 'e2e-basic-b')]);
    const config = repo.load();
    const plan = await deploy({ port, root: repo.root, config, log, dryRun: true });
    expect(plan.outcome).toBe('planned');
    expect(plan.plan?.counts).toMatchObject({ create: 0, update: 1, unchanged: 7, prune: 0 });
    const upd = plan.plan?.items.find((i) => i.action === 'update');
    expect(upd?.key).toBe('ConfigMap/e2e-basic-a/settings');
    expect(upd?.diff).toContain('-  level: info\n+  level: debug');
    const text = formatPlan(plan.plan!, { unchanged: true }).replace(/applyset-[\w-]+-v1/g, 'APPLYSET-ID').replace(/ at [0-9a-f]{12}/, ' at HASH');
    await expect(text).toMatchFileSnapshot('../test/fixtures/plan-change.golden.txt');
    const r = await deploy({ port, root: repo.root, config, log, commit: 'c2' });
    expect(r.outcome).toBe('deployed');
    expect(r.plan?.counts).toMatchObject({ update: 1, unchanged: 7 });
    const cm = await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'e2e-basic-a' });
    expect(cm?.data).toEqual({ level: 'debug' });
  });

  it('drift made by hand is found and repaired', async () => {
    const cm = await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'e2e-basic-a' });
    await port.replace({ ...cm!, data: { level: 'edited-by-hand' } });
    const r = await deploy({ port, root: repo.root, config: repo.load(), log });
    expect(r.outcome).toBe('deployed');
    expect(r.plan?.counts.update).toBe(1);
    expect((await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'e2e-basic-a' }))?.data).toEqual({ level: 'debug' });
  });

  it('removes a field that left a manifest (the unchanged shortcut never hides a removal)', async () => {
    repo.write(`${dir}/config.yaml`, [configMap('settings', { level: 'debug', extra: 'x' }), configMap('other', { x: '1' }, 'e2e-basic-b')]);
    expect((await deploy({ port, root: repo.root, config: repo.load(), log })).outcome).toBe('deployed');
    repo.write(`${dir}/config.yaml`, [configMap('settings', { level: 'debug' }), configMap('other', { x: '1' }, 'e2e-basic-b')]);
    const r = await deploy({ port, root: repo.root, config: repo.load(), log });
    expect(r.plan?.items.filter((i) => i.action === 'update').map((i) => i.key)).toEqual(['ConfigMap/e2e-basic-a/settings']);
    expect((await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'e2e-basic-a' }))?.data).toEqual({ level: 'debug' });
  });

  it('prunes what left the repository, but never a Namespace, nor an object that opts out', async () => {
    repo.write(`${dir}/tasks.yaml`, [task('hello')]);
    repo.write(`${dir}/config.yaml`, [configMap('settings', { level: 'debug' })]);
    repo.write(`${dir}/namespaces.yaml`, [ns('e2e-basic-a')]);
    // an object that opts out of pruning
    const other = await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'other', namespace: 'e2e-basic-b' });
    await port.replace({ ...other!, metadata: { ...other!.metadata, annotations: { [PRUNE_ANNOTATION]: 'disabled' } } });
    const config = repo.load();
    const plan = await deploy({ port, root: repo.root, config, log, dryRun: true });
    expect(plan.plan?.items.filter((i) => i.action === 'prune' || i.action === 'keep').map((i) => [i.action, i.key, i.note])).toEqual([
      ['prune', 'Task.tekton.dev/e2e-basic-a/build', undefined],
      ['keep', 'ConfigMap/e2e-basic-b/other', 'annotation plumbing.dev/prune: disabled'],
      ['keep', 'Namespace//e2e-basic-b', 'a Namespace (set prune.allowNamespaces to prune)'],
    ]);
    const r = await deploy({ port, root: repo.root, config, log });
    expect(r.message).toMatch(/deployed revision 6/);
    expect(await port.get({ apiVersion: 'tekton.dev/v1', kind: 'Task', name: 'build', namespace: 'e2e-basic-a' })).toBeUndefined();
    expect(await port.get({ apiVersion: 'v1', kind: 'Namespace', name: 'e2e-basic-b' })).toBeDefined();
    // KEP-3659: prune again is a no-op
    const again = await deploy({ port, root: repo.root, config, log, dryRun: true });
    expect(again.plan?.counts).toMatchObject({ create: 0, update: 0, prune: 0, keep: 2 });
    // members kept by a prune guard are not pending changes: the next run takes the fast path
    const fresh = await testPort();
    const next = await deploy({ port: fresh, root: repo.root, config, log });
    fresh.close();
    expect([next.outcome, next.calls.byVerb['apply'] ?? 0]).toEqual(['no-changes', 0]);
  });

  it('a pre-deploy check (the rules of plumbing check) refuses sources with errors before any change', async () => {
    const broken = { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'broken' }, spec: { steps: [{ name: 'run', image: 'alpine:3.20', script: 'echo $(params.missing)' }] } };
    repo.write(`${dir}/broken.yaml`, [broken]);
    const err = await deploy({ port, root: repo.root, config: repo.load(), log }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DEPLOY_CHECK_FAILED', message: expect.stringMatching(/broken\.yaml:\d+:\d+\s+error\s+[A-Z_]+/) });
    expect(await port.get({ apiVersion: 'tekton.dev/v1', kind: 'Task', name: 'broken', namespace: 'e2e-basic-a' })).toBeUndefined();
    repo.remove(`${dir}/broken.yaml`);
  });

  it('keeps at most historyLimit revisions, newest first', async () => {
    const history = await listHistory(port, 'e2e-basic', 'e2e-basic-state');
    expect(history.map((h) => h.revision)).toEqual([6, 5, 4, 3, 2]);
    expect(history[0]!.objects).toBe(5);
  });

  it('refuses an empty desired set', async () => {
    const empty = new FixtureRepo('e2e-basic');
    empty.config().write(`${dir}/README.yaml`, '# nothing\n');
    await expect(deploy({ port, root: empty.root, config: empty.load(), log })).rejects.toMatchObject({ code: 'DEPLOY_EMPTY' });
    empty.cleanup();
    expect(await members(port, renderCluster(repo.root, repo.load()).applysetId)).toContain('Task/e2e-basic-a/hello');
  });

  it('a second deploy while one holds the lease exits naming the holder, or waits for it', async () => {
    repo.write(`${dir}/config.yaml`, [configMap('settings', { level: 'warn' })]);
    const config = repo.load();
    const lease = await acquireLease({ port, namespace: 'e2e-basic-state', name: leaseName('e2e-basic'), holder: 'other-deployer/1', durationSeconds: 30 });
    await expect(deploy({ port, root: repo.root, config, log, holder: 'me/2' })).rejects.toMatchObject({ code: 'DEPLOY_LOCKED', message: expect.stringContaining('other-deployer/1') });
    const waiting = deploy({ port, root: repo.root, config, log, holder: 'me/2', waitLockMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await lease.release();
    const r = await waiting;
    expect(r.outcome).toBe('deployed');
    expect(keysOf([])).toEqual([]);
  });
});

describe('objects outside the inventory, on a real API server', () => {
  const repo = new FixtureRepo('e2e-adopt');
  let port: KubeClient;
  beforeAll(async () => {
    port = await testPort();
    await port.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-adopt-a' } });
    // made by someone else (another tool, kubectl): not ours, with a value the repository sets differently
    await port.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'taken', namespace: 'e2e-adopt-a', labels: { 'applyset.kubernetes.io/part-of': 'applyset-someone-else-v1' } }, data: { v: 'theirs' } });
    repo.config().write('clusters/e2e-adopt/manifests/all.yaml', [configMap('taken', { v: 'ours' }), configMap('same', { v: '1' })]);
  });
  afterAll(() => {
    port.close();
    repo.cleanup();
  });

  it('refuses to take over fields another manager set (plan and deploy), and adopts with --force', async () => {
    await expect(deploy({ port, root: repo.root, config: repo.load(), log, dryRun: true })).rejects.toMatchObject({ code: 'DEPLOY_CONFLICT', message: expect.stringContaining('ConfigMap/e2e-adopt-a/taken exists outside this inventory') });
    const r = await deploy({ port, root: repo.root, config: repo.load(), log });
    expect(r.outcome).toBe('rolled-back');
    expect(r.error?.message).toContain('ConfigMap/e2e-adopt-a/taken exists outside this inventory');
    expect((await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'taken', namespace: 'e2e-adopt-a' }))?.data).toEqual({ v: 'theirs' });
    expect(await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'same', namespace: 'e2e-adopt-a' })).toBeUndefined();
    const forced = await deploy({ port, root: repo.root, config: repo.load(), log, force: true });
    expect(forced.outcome).toBe('deployed');
    expect(forced.plan?.items.filter((i) => i.note === 'adopted').map((i) => i.key)).toEqual(['ConfigMap/e2e-adopt-a/taken']);
    const taken = await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'taken', namespace: 'e2e-adopt-a' });
    expect(taken?.data).toEqual({ v: 'ours' });
    expect(taken?.metadata.labels?.['applyset.kubernetes.io/part-of']).toBe(renderCluster(repo.root, repo.load()).applysetId);
  });
});
