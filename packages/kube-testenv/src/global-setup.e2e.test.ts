import { describe, expect, inject, it } from 'vitest';
import { pipelineRun, task } from '../test/tekton-objects.js';
import { kubeTestenvFromEnv } from './global-setup.js';
import { kubeCall } from './kube-client.js';

declare module 'vitest' {
  interface ProvidedContext {
    kubeTestenv: import('./global-setup.js').KubeTestenvInfo;
  }
}

describe('kubeTestenvGlobalSetup (the API server shared by the whole run)', () => {
  it('exports KUBECONFIG and the connection to test workers', async () => {
    const env = await kubeTestenvFromEnv();
    expect(process.env.KUBECONFIG).toBe(env.kubeconfigPath);
    expect(inject('kubeTestenv').server).toBe(env.server);
    const ready = await kubeCall(env.connection, { method: 'GET', path: '/readyz' });
    expect(ready).toBe('ok');
  });

  it('has the Tekton CRDs installed already, so a suite can create a PipelineRun right away', async () => {
    const { connection, tektonCrds } = await kubeTestenvFromEnv();
    expect(tektonCrds).toContain('pipelineruns.tekton.dev');
    const ns = 'shared-e2e';
    await kubeCall(connection, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    await kubeCall(connection, { method: 'POST', path: `/apis/tekton.dev/v1/namespaces/${ns}/tasks`, body: task(ns) });
    const created = (await kubeCall(connection, { method: 'POST', path: `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns`, body: pipelineRun(ns) })) as {
      metadata: { uid: string };
    };
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });
});
