import type https from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentContext, loadNativeAuth, NeedsSdk } from './kubeconfig.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(d, f), t);
  return d;
}

const config = (user: string, extra = '') => `apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: c
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority: ca.crt
${extra}contexts:
  - name: dev
    context: {cluster: c, user: u}
  - name: other
    context: {cluster: c, user: u}
users:
  - name: u
    user:
${user}`;

async function options(auth: ReturnType<typeof loadNativeAuth>): Promise<https.RequestOptions> {
  const o: https.RequestOptions = {};
  await auth.applyToHTTPSOptions(o);
  return o;
}

describe('loadNativeAuth', () => {
  it('reads a bearer token and a CA file relative to the kubeconfig', async () => {
    const d = dir({ config: config('      token: s3cret\n'), 'ca.crt': 'CA' });
    const auth = loadNativeAuth({ kubeconfig: join(d, 'config') });
    expect(auth.server).toBe('https://127.0.0.1:6443');
    const o = await options(auth);
    expect(o.headers).toEqual({ Authorization: 'Bearer s3cret' });
    expect(String(o.ca)).toBe('CA');
  });

  it('reads client certificate and key data', async () => {
    const d = dir({ config: config(`      client-certificate-data: ${Buffer.from('CERT').toString('base64')}\n      client-key-data: ${Buffer.from('KEY').toString('base64')}\n`), 'ca.crt': 'CA' });
    const o = await options(loadNativeAuth({ kubeconfig: join(d, 'config') }));
    expect([String(o.cert), String(o.key), o.headers]).toEqual(['CERT', 'KEY', undefined]);
  });

  it('merges the files of KUBECONFIG, the first definition winning', () => {
    const a = dir({ config: 'current-context: other\n' });
    const b = dir({ config: config('      token: t\n'), 'ca.crt': 'CA' });
    const auth = loadNativeAuth({}, { KUBECONFIG: `${join(a, 'config')}:${join(b, 'config')}` });
    expect(auth.server).toBe('https://127.0.0.1:6443');
  });

  it('names the missing context and the ones there are', () => {
    const d = dir({ config: config('      token: t\n'), 'ca.crt': 'CA' });
    expect(() => loadNativeAuth({ kubeconfig: join(d, 'config'), context: 'prod' })).toThrow(expect.objectContaining({ code: 'KUBE_CONFIG', message: 'no context "prod" in the kubeconfig', hint: 'contexts: dev, other' }));
  });

  it('hands exec plugins to the SDK', () => {
    const d = dir({ config: config('      exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}\n'), 'ca.crt': 'CA' });
    expect(() => loadNativeAuth({ kubeconfig: join(d, 'config') })).toThrow(NeedsSdk);
  });

  it('refuses --in-cluster outside a pod, saying so', () => {
    expect(() => loadNativeAuth({ inCluster: true }, {})).toThrow(/KUBERNETES_SERVICE_HOST is not set/);
  });

  it('never puts a credential in an error', () => {
    const d = dir({ config: config('      token: s3cret\n').replace('server: https://127.0.0.1:6443', 'server:') });
    let msg = '';
    try {
      loadNativeAuth({ kubeconfig: join(d, 'config') });
    } catch (e) {
      msg = String((e as Error).message);
    }
    expect(msg).toContain('names no cluster with a server');
    expect(msg).not.toContain('s3cret');
  });
});

describe('currentContext', () => {
  it('is the given context, else the current context of the merged kubeconfigs, else undefined', () => {
    const d = dir({ config: config('      token: t\n'), empty: 'apiVersion: v1\nkind: Config\n' });
    expect(currentContext({ kubeconfig: join(d, 'config') })).toBe('dev');
    expect(currentContext({ kubeconfig: join(d, 'config'), context: 'other' })).toBe('other');
    expect(currentContext({}, { KUBECONFIG: `${join(d, 'empty')}:${join(d, 'config')}` })).toBe('dev');
    expect(currentContext({}, { KUBECONFIG: join(d, 'missing') })).toBeUndefined();
    expect(currentContext({ inCluster: true })).toBeUndefined();
  });
});
