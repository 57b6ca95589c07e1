import { describe, expect, it } from 'vitest';
import { clusterBackend, type PipelineRunApi, releasePipelineRun } from './cluster-backend.js';
import type { BackendInput } from './backend.js';
import type { ReleaseProjectConfig } from './config.js';
import type { ReleasePlan } from './plan.js';

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

  it('keeps label values valid (a + in a nightly version)', () => {
    const run = releasePipelineRun({ plan: { ...plan, version: 'v0.2.0-nightly.20240305+abc1234' }, git: {} as BackendInput['git'], config, bucket: {} as BackendInput['bucket'], gitUrl: '' }, 'tekton-ci') as { metadata: { labels: Record<string, string> } };
    expect(run.metadata.labels['plumbing.dev/release-version']).toBe('v0.2.0-nightly.20240305_abc1234');
  });
});
