import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeConfig } from './client.js';

const dir = mkdtempSync(join(tmpdir(), 'plumbing-kube-'));
const TOKEN = 'secret-token-value-1234567890';
const kubeconfig = join(dir, 'config');
writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters:
  - name: one
    cluster: { server: "https://127.0.0.1:9" }
users:
  - name: admin
    user: { token: ${TOKEN} }
contexts:
  - name: one
    context: { cluster: one, user: admin }
current-context: one
`,
);

describe('the kube port over @kubernetes/client-node', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the contexts of a kubeconfig when the asked one is missing, never its credentials', async () => {
    const err = await loadKubeConfig({ kubeconfig, context: 'dogfooding' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KUBE_CONFIG', message: 'no context "dogfooding" in the kubeconfig', hint: 'contexts: one' });
    expect(JSON.stringify(err) + String(err)).not.toContain(TOKEN);
  });

  it('fails closed, with the server and the path but not the token, when the API server cannot be reached', async () => {
    const port = await KubeClient.connect({ kubeconfig, context: 'one', timeoutMs: 2000 });
    const err = await port.get({ apiVersion: 'v1', kind: 'Namespace', name: 'x' }).catch((e: unknown) => e);
    port.close();
    expect(err).toMatchObject({ code: 'KUBE_UNREACHABLE', message: expect.stringMatching(/^GET \/api\/v1: cannot reach https:\/\/127\.0\.0\.1:9/) });
    expect(String((err as Error).message)).not.toContain(TOKEN);
    expect(port.calls()).toEqual({ total: 1, byVerb: { discover: 1 } });
  });
});
