import { describe, expect, it } from 'vitest';
import { apiserverFlags, etcdFlags, tokenFileLine } from './control-plane-flags.js';

const flagMap = (flags: string[]): Record<string, string> => Object.fromEntries(flags.map((f) => f.replace(/^--/, '').split(/=(.*)/s).slice(0, 2)));

describe('etcdFlags', () => {
  it('serves clients on the given loopback port from the given data dir', () => {
    const f = flagMap(etcdFlags({ dataDir: '/tmp/x/etcd', clientPort: 2379 }));
    expect(f).toMatchObject({ 'data-dir': '/tmp/x/etcd', 'listen-client-urls': 'http://127.0.0.1:2379', 'advertise-client-urls': 'http://127.0.0.1:2379' });
  });
});

describe('apiserverFlags', () => {
  const pki = { caCert: '/p/ca.crt', caKey: '/p/ca.key', servingCert: '/p/s.crt', servingKey: '/p/s.key', saKey: '/p/sa.key', saPub: '/p/sa.pub' };
  const f = flagMap(apiserverFlags({ dir: '/d', etcdClientPort: 2379, securePort: 6443, pki, tokenFile: '/p/tokens.csv' }));

  it('binds to loopback and talks to the local etcd', () => {
    expect(f).toMatchObject({ 'bind-address': '127.0.0.1', 'secure-port': '6443', 'etcd-servers': 'http://127.0.0.1:2379' });
  });

  it('has everything a 1.3x apiserver requires to start without a controller manager', () => {
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining([
        'tls-cert-file',
        'tls-private-key-file',
        'token-auth-file',
        'service-account-issuer',
        'service-account-key-file',
        'service-account-signing-key-file',
        'service-cluster-ip-range',
      ]),
    );
    expect(f['disable-admission-plugins']).toBe('ServiceAccount');
  });
});

describe('tokenFileLine', () => {
  it('puts the admin in system:masters', () => {
    expect(tokenFileLine('abc')).toBe('abc,admin,admin,system:masters\n');
  });
});
