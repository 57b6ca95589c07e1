import { connectPipelineRunApi, KubeClient } from '@plumbing/kube';
import { kubeTestenvFromEnv } from '@plumbing/kube-testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterBackend } from './cluster-backend.js';
import type { ReleaseProjectConfig } from './config.js';
import type { BackendInput, ReleasePlan } from './types.js';

const NS = 'release-e2e';
const RUN = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' } as const;
let kubeconfig: string;
let kube: KubeClient;

const config = { project: 'demo', pipeline: 'release', bucket: 'gs://b', imageRegistry: 'ghcr.io/demo', owner: 'demo', repo: 'demo' } as ReleaseProjectConfig;
const plan = {
  project: 'demo',
  kind: 'nightly',
  version: 'v0.2.0-nightly.20240305+abc1234',
  previousVersion: 'v0.1.0',
  commit: 'c'.repeat(40),
  bucketPrefix: 'demo/nightly/v0.2.0-nightly.20240305+abc1234',
  makeLatest: 'false',
  publish: true,
  pipeline: { name: 'release', found: true, file: 'pipelines/release/release.yaml', params: ['version', 'commit', 'upload'], workspaces: ['source'] },
} as ReleasePlan;
const input = (out: string[], signal?: AbortSignal): BackendInput => ({ plan, git: {} as BackendInput['git'], config, bucket: {} as BackendInput['bucket'], gitUrl: 'https://github.com/demo/demo', out: (l) => out.push(l), signal });

const seen = new Set<string>();
/** Plays the Tekton controller: waits for the backend's new PipelineRun and returns its name. */
async function created(): Promise<string> {
  for (;;) {
    const list = { items: (await kube.list(RUN.apiVersion, RUN.kind, { namespace: NS })) as unknown as { metadata: { name: string } }[] };
    const fresh = list.items.find((i) => !seen.has(i.metadata.name));
    if (fresh) {
      seen.add(fresh.metadata.name);
      return fresh.metadata.name;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cluster backend on a real API server (kube-testenv, Tekton CRDs, no controller)', () => {
  beforeAll(async () => {
    const env = await kubeTestenvFromEnv();
    kubeconfig = env.kubeconfigPath;
    kube = await KubeClient.connect({ kubeconfig });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  it('creates a PipelineRun the API server accepts (Tekton schema) and follows it to success', async () => {
    const backend = clusterBackend({ api: connectPipelineRunApi({ kubeconfig }), namespace: NS, pollMs: 50 });
    const out: string[] = [];
    const running = backend.runPipeline(input(out));
    const name = await created();
    const run = (await kube.get({ ...RUN, namespace: NS, name })) as unknown as { spec: { pipelineRef: { name: string }; params: { name: string; value: string }[] }; metadata: { labels: Record<string, string> } };
    expect(run.spec.pipelineRef).toEqual({ name: 'release' });
    expect(run.spec.params).toEqual([
      { name: 'version', value: plan.version },
      { name: 'commit', value: plan.commit },
      { name: 'upload', value: 'true' },
    ]);
    expect(run.metadata.labels['plumbing.dev/release-version']).toBe('v0.2.0-nightly.20240305_abc1234');
    await kube.patchStatus({ ...RUN, namespace: NS, name }, { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1' }] });
    expect(await running).toEqual({ status: 'done', detail: `PipelineRun ${name} succeeded` });
  });

  it('cancels the PipelineRun on the server when the signal aborts (Ctrl-C)', async () => {
    const ac = new AbortController();
    const backend = clusterBackend({ api: connectPipelineRunApi({ kubeconfig }), namespace: NS, pollMs: 50 });
    const running = backend.runPipeline(input([], ac.signal));
    const name = await created();
    ac.abort();
    await expect(running).rejects.toMatchObject({ code: 'RELEASE_CANCELLED' });
    const run = (await kube.get({ ...RUN, namespace: NS, name })) as unknown as { spec: { status?: string } };
    expect(run.spec.status).toBe('Cancelled');
  });
});
