import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadKubeconfig, parseKubeconfig, renderKubeconfig, writeKubeconfig } from './kubeconfig.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const noFiles = (p: string): string => {
  throw new Error(`unexpected read of ${p}`);
};

describe('renderKubeconfig', () => {
  it('writes one cluster, one token user and the current context', () => {
    const doc = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: CA, token: 't0k' }));
    expect(doc).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kube-testenv', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(CA).toString('base64') } }],
      users: [{ name: 'admin', user: { token: 't0k' } }],
      contexts: [{ name: 'kube-testenv', context: { cluster: 'kube-testenv', user: 'admin' } }],
      'current-context': 'kube-testenv',
      preferences: {},
    });
  });

  it('round-trips through parseKubeconfig', () => {
    const text = renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: CA, token: 't0k' });
    expect(parseKubeconfig(text, 'kubeconfig', noFiles)).toEqual({ server: 'https://127.0.0.1:6443', ca: CA, token: 't0k' });
  });
});

describe('parseKubeconfig', () => {
  const base = (user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://k.example:443' }) =>
    JSON.stringify({
      'current-context': 'b',
      contexts: [
        { name: 'a', context: { cluster: 'nope', user: 'nope' } },
        { name: 'b', context: { cluster: 'c', user: 'u', namespace: 'ci' } },
      ],
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user }],
    });

  it('follows the current context and reads files relative to the kubeconfig', () => {
    const files: Record<string, string> = { 'ca.pem': CA, 'client.crt': 'CERT', 'client.key': 'KEY' };
    const conn = parseKubeconfig(
      base({ 'client-certificate': 'client.crt', 'client-key': 'client.key' }, { server: 'https://k.example:443', 'certificate-authority': 'ca.pem' }),
      'kc',
      (p) => files[p] ?? noFiles(p),
    );
    expect(conn).toEqual({ server: 'https://k.example:443', ca: CA, clientCert: 'CERT', clientKey: 'KEY', namespace: 'ci' });
  });

  it('rejects exec users with a stable code', () => {
    expect(() => parseKubeconfig(base({ exec: { command: 'gke-gcloud-auth-plugin' } }), 'kc', noFiles)).toThrow(
      expect.objectContaining({ code: 'KUBECONFIG_UNSUPPORTED' }),
    );
  });

  it('rejects a kubeconfig whose current context does not exist', () => {
    const text = JSON.stringify({ 'current-context': 'x', contexts: [], clusters: [], users: [] });
    expect(() => parseKubeconfig(text, 'kc', noFiles)).toThrow(expect.objectContaining({ code: 'KUBECONFIG_INVALID' }));
  });
});

describe('writeKubeconfig / loadKubeconfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-testenv-kc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a file only its owner can read, which loadKubeconfig reads back', async () => {
    const path = join(dir, 'kubeconfig');
    await writeKubeconfig(path, { server: 'https://127.0.0.1:1', caPem: CA, token: 'secret' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadKubeconfig(`${path}:/nonexistent`)).toEqual({ server: 'https://127.0.0.1:1', ca: CA, token: 'secret' });
  });

  it('reads a tokenFile relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'token'), 'from-file\n');
    const path = join(dir, 'kc.yaml');
    await writeFile(
      path,
      JSON.stringify({ 'current-context': 'x', contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], clusters: [{ name: 'c', cluster: { server: 'https://h' } }], users: [{ name: 'u', user: { tokenFile: 'token' } }] }),
    );
    expect((await loadKubeconfig(path)).token).toBe('from-file');
    expect(await readFile(path, 'utf8')).toContain('tokenFile');
  });

  it('fails with a stable code when the file is missing', async () => {
    await expect(loadKubeconfig(join(dir, 'missing'))).rejects.toMatchObject({ code: 'KUBECONFIG_INVALID' });
  });
});
