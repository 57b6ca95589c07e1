import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from './auth.js';
import { loadCredentials, parseDockerConfig, serviceAccountCredentials } from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseDockerConfig', () => {
  it('reads auths keyed by URL or host, and the older .dockercfg form', () => {
    const cfg = parseDockerConfig(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw:with:colons') }, 'reg.lan:5000': { username: 'u', password: 'p' } } }), 'f');
    expect(Object.fromEntries(cfg)).toEqual({ 'docker.io': { username: 'hub', password: 'pw:with:colons' }, 'reg.lan:5000': { username: 'u', password: 'p' } });
    expect(Object.fromEntries(parseDockerConfig(JSON.stringify({ 'http://old.lan/v1/': { auth: b64('a:b') } }), 'f'))).toEqual({ 'old.lan': { username: 'a', password: 'b' } });
  });
});

describe('loadCredentials', () => {
  it('takes Secret files first, then $DOCKER_CONFIG/config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-cred-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'r.lan': { auth: b64('user:fromconfig') }, 'other.lan': { auth: b64('o:p') } } }));
    writeFileSync(join(dir, 'secret.json'), JSON.stringify({ auths: { 'r.lan': { auth: b64('user:fromsecret') } } }));
    const store = loadCredentials([join(dir, 'secret.json')], { DOCKER_CONFIG: dir });
    expect(store.get('r.lan')?.password).toBe('fromsecret');
    expect(store.get('other.lan')?.username).toBe('o');
    expect(() => loadCredentials([join(dir, 'missing.json')], { DOCKER_CONFIG: dir })).toThrow(expect.objectContaining({ code: 'OCI_CREDENTIALS_INVALID' }));
  });
});

describe('parseChallenge', () => {
  it('reads a bearer challenge with quoted params', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
    });
  });
});

describe('serviceAccountCredentials', () => {
  const objects = [
    { kind: 'ServiceAccount', metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'pull' }, { name: 'gone' }], secrets: [{ name: 'old' }, { name: 'basic' }, { name: 'opaque' }] },
    { kind: 'ServiceAccount', metadata: { name: 'default' } },
    { kind: 'Secret', metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'reg.lan:5000': { auth: b64('alice:pw') } } })) } },
    { kind: 'Secret', metadata: { name: 'old' }, type: 'kubernetes.io/dockercfg', stringData: { '.dockercfg': JSON.stringify({ 'https://old.lan/v1/': { auth: b64('bob:pw2') } }) } },
    { kind: 'Secret', metadata: { name: 'basic', annotations: { 'tekton.dev/docker-0': 'https://ghcr.io' } }, type: 'kubernetes.io/basic-auth', stringData: { username: 'carol', password: 'pw3' } },
    { kind: 'Secret', metadata: { name: 'opaque' }, type: 'Opaque', stringData: { token: 'x' } },
  ];

  it("collects the docker-config Secrets of the ServiceAccount's imagePullSecrets and secrets, and names the missing ones", () => {
    const got = serviceAccountCredentials(objects, 'builder');
    expect(Object.fromEntries(got.credentials)).toEqual({
      'reg.lan:5000': { username: 'alice', password: 'pw' },
      'old.lan': { username: 'bob', password: 'pw2' },
      'ghcr.io': { username: 'carol', password: 'pw3' },
    });
    expect(got.missing).toEqual(['gone']);
  });

  it('gives nothing for a ServiceAccount without Secrets or not in the objects', () => {
    expect(serviceAccountCredentials(objects, 'default').credentials.size).toBe(0);
    expect(serviceAccountCredentials(objects, 'nobody')).toEqual({ credentials: new Map(), missing: [] });
  });
});
