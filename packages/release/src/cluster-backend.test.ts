import { describe, expect, it } from 'vitest';
import type { PipelineRunApi } from '@plumbing/kube';
import { clusterBackend, releasePipelineRun } from './cluster-backend.js';
import type { ReleaseProjectConfig } from './config.js';
import type { BackendInput, ReleasePlan } from './types.js';

const config = { project: 'demo', pipeline: 'release', bucket: 'gs://b', imageRegistry: 'ghcr.io/demo', owner: 'demo', repo: 'demo' } as ReleaseProjectConfig;
const plan = { project: 'demo', kind: 'full', version: 'v0.1.0', previousVersion: null, commit: 'c'.repeat(40), bucketPrefix: 'demo/previous/v0.1.0' } as ReleasePlan;

/** A scripted fake of the port: each get() returns the next status (no API server here; the e2e tests use kube-testenv). */
function fakeApi(conditions: (string | undefined)[]): PipelineRunApi & { calls: string[]; created: Record<string, unknown>[] } {
  const calls: string[] = [];
  const created: Record<string, unknown>[] = [];
  let i = 0;
  return {
    calls,
    created,
    create: async (ns, body) => {
      calls.push(`create ${ns}`);
      created.push(body);
      return 'demo-release-abcde';
    },
    get: async () => {
      const s = conditions[Math.min(i++, conditions.length - 1)];
      return s === undefined ? {} : { status: { conditions: [{ type: 'Succeeded', status: s, reason: s === 'False' ? 'Failed' : 'Running', message: s === 'False' ? 'Tasks Completed: 1 (Failed: 1)' : '' }] } };
    },
    taskRun: async () => undefined,
    cancel: async (ns, name) => {
      calls.push(`cancel ${ns}/${name}`);
    },
    pods: async () => [{ name: 'demo-release-abcde-build-pod', phase: 'Succeeded', containers: ['step-build'] }],
    logs: async () => 'built\n',
  };
}

const input = (out: string[], signal?: AbortSignal): BackendInput => ({ plan, git: {} as BackendInput['git'], config, bucket: {} as BackendInput['bucket'], gitUrl: 'https://github.com/demo/demo', out: (l) => out.push(l), signal });

describe('cluster backend (a fake PipelineRun port; no API server)', () => {
  it('creates the PipelineRun with the params contract and follows it to success, printing pod logs once', async () => {
    const api = fakeApi([undefined, 'Unknown', 'True']);
    const out: string[] = [];
    const r = await clusterBackend({ api, namespace: 'tekton-ci', pollMs: 0 }).runPipeline(input(out));
    expect(r).toEqual({ status: 'done', detail: 'PipelineRun demo-release-abcde succeeded' });
    expect(out.filter((l) => l.includes('[demo-release-abcde-build-pod/step-build] built'))).toHaveLength(1);
    const body = api.created[0] as { spec: { params: { name: string; value: string }[]; pipelineRef: { name: string } } };
    expect(body.spec.pipelineRef).toEqual({ name: 'release' });
    expect(Object.fromEntries(body.spec.params.map((p) => [p.name, p.value]))).toEqual({
      project: 'demo',
      'release-kind': 'full',
      version: 'v0.1.0',
      'previous-version': '',
      commit: 'c'.repeat(40),
      'git-url': 'https://github.com/demo/demo',
      repository: 'demo/demo',
      bucket: 'gs://b',
      'bucket-prefix': 'demo/previous/v0.1.0',
      'image-registry': 'ghcr.io/demo',
      upload: 'true',
      'run-tests': 'true',
      latest: 'false',
    });
  });

  it('fails with the run reason when the PipelineRun fails', async () => {
    await expect(clusterBackend({ api: fakeApi(['False']), namespace: 'tekton-ci', pollMs: 0 }).runPipeline(input([]))).rejects.toMatchObject({ code: 'RELEASE_PIPELINE_FAILED', message: expect.stringMatching(/Failed Tasks Completed/) });
  });

  it('cancels the PipelineRun on Ctrl-C (the signal aborts)', async () => {
    const api = fakeApi(['Unknown']);
    const ac = new AbortController();
    const backend = clusterBackend({ api, namespace: 'tekton-ci', pollMs: 0, sleep: async () => ac.abort() });
    await expect(backend.runPipeline(input([], ac.signal))).rejects.toMatchObject({ code: 'RELEASE_CANCELLED', exitCode: 130 });
    expect(api.calls).toEqual(['create tekton-ci', 'cancel tekton-ci/demo-release-abcde']);
  });

  it('binds the workspaces the contract needs for an uploading release: the token Secret, a file:// bucket as a PVC (param file:///), gs/s3 credentials only when named', () => {
    const pipeline = { name: 'release', found: true, file: 'pipelines/release/release.yaml', params: ['bucket', 'upload', 'run-tests'], workspaces: ['source', 'github-token', 'bucket', 'bucket-credentials', 'logs'] };
    const run = (bucket: string, bindings = {}) =>
      releasePipelineRun({ plan: { ...plan, pipeline } as ReleasePlan, git: {} as BackendInput['git'], config: { ...config, bucket }, bucket: {} as BackendInput['bucket'], gitUrl: '' }, 'tekton-ci', 'plumbing-releaser', bindings) as {
        spec: { params: { name: string; value: string }[]; workspaces: Record<string, unknown>[] };
      };
    const file = run('file://.plumbing/bucket');
    expect(file.spec.params).toEqual([
      { name: 'bucket', value: 'file:///' },
      { name: 'upload', value: 'true' },
      { name: 'run-tests', value: 'true' },
    ]);
    expect(file.spec.workspaces.map((w) => w.name)).toEqual(['source', 'bucket', 'github-token']);
    expect(file.spec.workspaces.slice(1)).toEqual([
      { name: 'bucket', persistentVolumeClaim: { claimName: 'plumbing-release-bucket' } },
      { name: 'github-token', secret: { secretName: 'plumbing-release-github-token' } },
    ]);
    const gs = run('gs://b', { githubTokenSecret: 'gh', bucketCredentialsSecret: 'gcs-key' });
    expect(gs.spec.params[0]).toEqual({ name: 'bucket', value: 'gs://b' });
    expect(gs.spec.workspaces.slice(1)).toEqual([
      { name: 'github-token', secret: { secretName: 'gh' } },
      { name: 'bucket-credentials', secret: { secretName: 'gcs-key' } },
    ]);
    expect(run('gs://b').spec.workspaces.map((w) => w.name)).toEqual(['source', 'github-token']);
  });

  it('keeps label values valid (a + in a nightly version)', () => {
    const run = releasePipelineRun({ plan: { ...plan, version: 'v0.2.0-nightly.20240305+abc1234' }, git: {} as BackendInput['git'], config, bucket: {} as BackendInput['bucket'], gitUrl: '' }, 'tekton-ci') as { metadata: { labels: Record<string, string> } };
    expect(run.metadata.labels['plumbing.dev/release-version']).toBe('v0.2.0-nightly.20240305_abc1234');
  });
});
