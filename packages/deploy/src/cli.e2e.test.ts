import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KubeClient, loadKubeConfig } from '@plumbing/kube';
import { makeGitRepo, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configMap, FixtureRepo, ns, testPort } from '../test/fixture-repo.js';
import { PART_OF_LABEL } from './inventory-labels.js';
import { renderCluster } from './render.js';
import { readInventory } from './state.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'bin', 'plumbing.js');

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITHUB_TOKEN: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

describe('the plumbing CLI as a child process, on a real API server', () => {
  let port: KubeClient;
  let conn: string[];

  beforeAll(async () => {
    if (!existsSync(join(CLI, '..', '..', 'dist', 'main.js'))) throw new Error('build the CLI first: npm run test:e2e does (turbo run build --filter=@plumbing/cli)');
    port = await testPort();
    const kubeconfig = process.env.KUBECONFIG!;
    conn = ['--kubeconfig', kubeconfig, '--context', (await loadKubeConfig({ kubeconfig })).getCurrentContext()];
  });
  afterAll(() => port.close());

  it('--dry-run --exit-code exits 3 with a plan, then deploy exits 0, then "no changes"; --format json is JSON', async () => {
    const repo = new FixtureRepo('e2e-cli');
    repo.config().write('clusters/e2e-cli/manifests/all.yaml', [ns('e2e-cli-a'), configMap('one', { a: '1' })]);
    const plan = await start(['deploy', 'e2e-cli', '--root', repo.root, '--dry-run', '--exit-code', '--save-plan', join(repo.root, 'plan.json'), ...conn]).done;
    expect(JSON.parse(readFileSync(join(repo.root, 'plan.json'), 'utf8'))).toMatchObject({ outcome: 'planned', plan: { counts: { create: 2, update: 0, prune: 0 } } });
    expect(plan.stderr).toBe('pre-deploy check: 1 file(s), no errors\n');
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('+ create    Namespace e2e-cli-a');
    expect(plan.stdout).toContain('2 to create, 0 to update, 0 unchanged, 0 to prune');
    const applied = await start(['deploy', 'e2e-cli', '--root', repo.root, ...conn]).done;
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('deployed revision 1');
    const again = await start(['deploy', 'e2e-cli', '--root', repo.root, '--format', 'json', ...conn]).done;
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'no-changes', cluster: 'e2e-cli', revision: 1 });
    const history = await start(['deploy', 'history', 'e2e-cli', '--root', repo.root, '--format', 'json', ...conn]).done;
    expect(JSON.parse(history.stdout)).toMatchObject({ cluster: 'e2e-cli', current: 1, revisions: [{ revision: 1, objects: 2 }] });
    const bad = await start(['deploy', 'e2e-cli', '--root', repo.root, '--format', 'json', '--context', 'nope', '--kubeconfig', process.env.KUBECONFIG!]).done;
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ outcome: 'error', error: { code: 'KUBE_CONFIG' } });
    repo.cleanup();
  });

  it('--from-git deploys a shallow clone of a revision and records its commit', async () => {
    const files: Record<string, string> = {
      'clusters/e2e-git/cluster.yaml': stringify({ apiVersion: 'plumbing.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'e2e-git' }, spec: { context: 'x', stateNamespace: 'e2e-git-state', sources: [{ path: 'clusters/e2e-git/manifests', namespace: 'e2e-git-a' }] } }),
      'clusters/e2e-git/manifests/all.yaml': [ns('e2e-git-a'), configMap('from-git', { rev: 'main' })].map((o) => stringify(o)).join('---\n'),
    };
    const dir = await makeTempDir();
    const [head] = await makeGitRepo(dir, [{ message: 'clusters', files }]);
    const r = await start(['deploy', 'e2e-git', '--from-git', dir, '--revision', 'main', ...conn]).done;
    expect(r.stderr).toContain('cloned main at');
    expect(r.code).toBe(0);
    const state = await readInventory(port, 'e2e-git', 'e2e-git-state');
    expect(state.lastGood?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(state.lastGood?.commit).toBe(head);
    await removeTempDir(dir);
  });

  it('a deploy killed with SIGKILL midway leaves every member listed, and a re-run converges', async () => {
    const repo = new FixtureRepo('e2e-crash');
    const cms = Array.from({ length: 120 }, (_, i) => configMap(`cm-${String(i).padStart(3, '0')}`, { i: String(i), payload: 'x'.repeat(2000) }));
    repo.config({ leaseSeconds: 2 }).write('clusters/e2e-crash/manifests/ns.yaml', [ns('e2e-crash-a')]).write('clusters/e2e-crash/manifests/cms.yaml', cms);
    const id = renderCluster(repo.root, repo.load()).applysetId;
    const run = start(['deploy', 'e2e-crash', '--root', repo.root, '--concurrency', '1', ...conn]);
    let seen = 0;
    for (let i = 0; i < 600 && seen < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = (await port.list('v1', 'ConfigMap', { namespace: 'e2e-crash-a', labelSelector: `${PART_OF_LABEL}=${id}` })).length;
    }
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = (await port.list('v1', 'ConfigMap', { namespace: 'e2e-crash-a', labelSelector: `${PART_OF_LABEL}=${id}` })).length;
    expect(partial).toBeGreaterThanOrEqual(10);
    expect(partial).toBeLessThan(120);
    // the group-kinds were recorded before applying: no member is unlisted
    const parent = await port.get({ apiVersion: 'v1', kind: 'Secret', name: 'plumbing-applyset-e2e-crash', namespace: 'e2e-crash-state' });
    expect(parent?.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds']).toBe('ConfigMap,Namespace');
    // the lease of the killed deploy is still held: a re-run waits for it to expire, takes it over and converges
    const rerun = await start(['deploy', 'e2e-crash', '--root', repo.root, '--wait-lock', '30s', ...conn]).done;
    expect(rerun.stderr).toContain('waiting for the lease held by');
    expect(rerun.stderr).toContain('taking over the expired lease');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('deployed revision 1');
    expect((await port.list('v1', 'ConfigMap', { namespace: 'e2e-crash-a', labelSelector: `${PART_OF_LABEL}=${id}` })).length).toBe(120);
    const noop = await start(['deploy', 'e2e-crash', '--root', repo.root, ...conn]).done;
    expect(noop.stdout).toContain('no changes');
    repo.cleanup();
  });

  it('a failed deploy exits 1 and opens an issue on the local GitHub API server', async () => {
    const gh = await startGitHubServer({ repos: ['plumbing-dev/plumbing'] });
    const repo = new FixtureRepo('e2e-notify');
    repo
      .config({ postDeployTests: [{ name: 'runs-valid', type: 'dryRunFile', file: 'clusters/e2e-notify/tests/bad.yaml' }], notify: { githubIssue: { repository: 'plumbing-dev/plumbing', labels: ['kind/deploy-failure'] } } })
      .write('clusters/e2e-notify/manifests/all.yaml', [ns('e2e-notify-a'), configMap('one', { a: '1' })])
      .write('clusters/e2e-notify/tests/bad.yaml', [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'smoke', namespace: 'e2e-notify-a' }, spec: { timeouts: 'not-a-map' } }]);
    const r = await start(['deploy', 'e2e-notify', '--root', repo.root, ...conn], { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('post-deploy test runs-valid');
    expect(r.stderr).toContain('no earlier good revision to roll back to');
    expect(r.stderr).toMatch(/reported: issue: http/);
    expect(r.stderr).not.toContain(gh.token);
    expect(gh.requests.filter((q) => q.method === 'POST').map((q) => [q.path, (q.body as { title?: string }).title])).toEqual([['/repos/plumbing-dev/plumbing/issues', 'Deploy of e2e-notify is failing']]);
    // what the attempt created is gone again (the Namespace stays: it is never pruned unless allowed)
    expect(await port.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'e2e-notify-a' })).toBeUndefined();
    await gh.close();
    repo.cleanup();
  });

  it('plumbing schedule logs its jobs and stops gracefully on SIGTERM', async () => {
    const repo = new FixtureRepo('e2e-sched');
    repo.config({ schedule: '0 * * * *' }).write('clusters/e2e-sched/manifests/all.yaml', [configMap('one', { a: '1' })]);
    const run = start(['schedule', '--root', repo.root, ...conn]);
    let err = '';
    run.child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    // No count limit: on a busy machine this may take long; the test timeout is the ceiling.
    while (!err.includes('scheduled deploy/e2e-sched')) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/scheduled deploy\/e2e-sched \(0 \* \* \* \* Etc\/UTC\), next at \d{4}-\d\d-\d\dT\d\d:00:00.000Z/);
    expect(r.stderr).toContain('SIGTERM: stopping');
    expect(r.stderr).toContain('stopped');
    repo.cleanup();
  });
});
