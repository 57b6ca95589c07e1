import type { KubeClient } from '@plumbing/kube';
import { git, makeGitRepo, makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configMap, ns, testPort } from '../test/fixture-repo.js';
import { runClusterDeploy } from './run.js';
import { readInventory } from './state.js';

const yaml = (docs: object[]) => docs.map((d) => stringify(d)).join('---\n');

describe('a newer revision cancels the waits of a deploy from git (real git repository, real API server)', () => {
  let port: KubeClient;
  let dir: string;
  beforeAll(async () => {
    port = await testPort();
    dir = await makeTempDir();
  });
  afterAll(async () => {
    port.close();
    await removeTempDir(dir);
  });

  it('stops waiting for a Deployment that will not become ready once a newer commit lands, then deploys the newer commit', async () => {
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } };
    const cluster = stringify({ apiVersion: 'plumbing.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'e2e-newer' }, spec: { context: 'x', stateNamespace: 'e2e-newer-state', sources: [{ path: 'clusters/e2e-newer/manifests', namespace: 'e2e-newer-a' }] } });
    const [first] = await makeGitRepo(dir, [{ message: 'a deployment that never becomes ready here', files: { 'clusters/e2e-newer/cluster.yaml': cluster, 'clusters/e2e-newer/manifests/all.yaml': yaml([ns('e2e-newer-a'), web]) } }]);
    const lines: string[] = [];
    let pushed = '';
    const run = runClusterDeploy({ root: dir, cluster: 'e2e-newer', fromGit: { url: dir, revision: 'main' }, mode: 'deploy', port, log: (l) => lines.push(l), env: {}, supersedeCheckMs: 300 });
    // once the first deploy is waiting, a fix lands on main
    // No count limit: on a busy machine this may take long; the test timeout is the ceiling.
    while (!(await port.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'e2e-newer-a' }))) await new Promise((r) => setTimeout(r, 50));
    await makeGitRepo(dir, [{ message: 'drop the deployment', files: { 'clusters/e2e-newer/manifests/all.yaml': yaml([ns('e2e-newer-a'), configMap('fixed', { ok: 'yes' })]) } }]);
    pushed = await git(dir, ['rev-parse', 'HEAD']);
    const r = await run;
    expect(pushed).not.toBe(first);
    expect(lines.some((l) => l.includes(`a newer revision arrived (${pushed.slice(0, 12)})`))).toBe(true);
    expect(r.outcome).toBe('deployed');
    expect(r.commit).toBe(pushed);
    const state = await readInventory(port, 'e2e-newer', 'e2e-newer-state');
    expect(state.lastGood).toMatchObject({ revision: 1, commit: pushed });
    expect(state.bad).toEqual([]);
    expect(await port.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'e2e-newer-a' })).toBeUndefined();
  });
});
