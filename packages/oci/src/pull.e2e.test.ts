// Pulls from a real registry on loopback (go-containerregistry's `crane registry serve`, built
// from Go modules), with images the tests push over the distribution protocol.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressLayer, pushAppImage, pushImage, pushIndex, startRegistry, startTokenAuthFront, type TestRegistry, type TokenAuthFront, tarLayer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { blobPath } from './cache-layout.js';
import { loadCredentials } from './credentials.js';
import { applyPrune, listImages, planPrune } from './images.js';
import { hostPlatform, parsePlatform } from './platform.js';
import { localImage, pullImage } from './pull.js';

let registry: TestRegistry;
const noCreds = new Map();
const freshCache = () => mkdtempSync(join(tmpdir(), 'oci-cache-'));

beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

describe('pullImage from a real registry', () => {
  it('pulls a multi-layer image by tag: layers applied in order, a whiteout removes a file, config recorded', async () => {
    const pushed = await pushAppImage(registry.url, 'team/app', 'v1', { Env: ['GREETING=hello'], WorkingDir: '/app', Entrypoint: ['/app/run.sh'] });
    const cache = freshCache();
    const image = await pullImage(`${registry.host}/team/app:v1`, { cache, credentials: noCreds });
    expect(image).toMatchObject({ manifestDigest: pushed.digest, cached: false, config: { Env: ['GREETING=hello'], WorkingDir: '/app', Entrypoint: ['/app/run.sh'] } });
    expect(readFileSync(join(image.rootfs, 'app/kept'), 'utf8')).toBe('kept');
    expect(existsSync(join(image.rootfs, 'app/deleted-later'))).toBe(false);
    expect(existsSync(join(image.rootfs, 'bin/sh'))).toBe(true);
    const again = await pullImage(`${registry.host}/team/app@${pushed.digest}`, { cache, credentials: noCreds });
    expect([again.cached, again.rootfs]).toEqual([true, image.rootfs]);
    expect((await localImage(`${registry.host}/team/app:v1`, cache))?.manifestDigest).toBe(pushed.digest);
  });

  it('pulls Docker v2 schema 2 manifests', async () => {
    const pushed = await pushAppImage(registry.url, 'team/docker', 'v1', {}, 'docker');
    const image = await pullImage(`${registry.host}/team/docker:v1`, { cache: freshCache(), credentials: noCreds });
    expect([image.manifestDigest, readFileSync(join(image.rootfs, 'app/kept'), 'utf8')]).toEqual([pushed.digest, 'kept']);
  });

  it('picks the platform from an index: this machine by default, or the one asked for', async () => {
    const layer = async (arch: string) => compressLayer(await tarLayer([{ path: 'arch', content: arch }]), arch === 'arm64' ? 'zstd' : 'gzip');
    const amd = await pushImage({ registry: registry.url, repository: 'team/multi', layers: [await layer(hostPlatform().architecture)], architecture: hostPlatform().architecture });
    const arm = await pushImage({ registry: registry.url, repository: 'team/multi', layers: [await layer('arm64')], architecture: 'arm64' });
    await pushIndex(registry.url, 'team/multi', 'v1', [
      { image: amd, os: 'linux', architecture: hostPlatform().architecture },
      { image: arm, os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const cache = freshCache();
    const host = await pullImage(`${registry.host}/team/multi:v1`, { cache, credentials: noCreds });
    const other = await pullImage(`${registry.host}/team/multi:v1`, { cache, credentials: noCreds, platform: parsePlatform('linux/arm64') });
    expect([readFileSync(join(host.rootfs, 'arch'), 'utf8'), host.manifestDigest]).toEqual([hostPlatform().architecture, amd.digest]);
    expect([readFileSync(join(other.rootfs, 'arch'), 'utf8'), other.platform]).toEqual(['arm64', 'linux/arm64']);
    await expect(pullImage(`${registry.host}/team/multi:v1`, { cache, credentials: noCreds, platform: parsePlatform('linux/s390x') })).rejects.toMatchObject({ code: 'OCI_PLATFORM_MISSING' });
  });

  it('refuses a blob corrupted in transit (by a proxy speaking the protocol) and keeps nothing of it', async () => {
    const pushed = await pushImage({ registry: registry.url, repository: 'team/corrupt', tag: 'v1', layers: [compressLayer(await tarLayer([{ path: 'f', content: 'x'.repeat(1000) }]))] });
    const manifest = JSON.parse(pushed.manifest.toString()) as { layers: { digest: string }[] };
    const layerDigest = manifest.layers[0]?.digest ?? '';
    const proxy = await startTokenAuthFront({ upstream: registry.url, corruptBlobs: [layerDigest] });
    const cache = freshCache();
    const err = await pullImage(`${proxy.host}/team/corrupt:v1`, { cache, credentials: noCreds }).catch((e: unknown) => e);
    await proxy.close();
    expect(err).toMatchObject({ code: 'OCI_DIGEST_MISMATCH' });
    expect((err as Error).message).toContain(`blob ${layerDigest} of ${proxy.host}/team/corrupt:v1 from ${proxy.host} is corrupt`);
    expect(existsSync(blobPath(cache, layerDigest))).toBe(false);
    expect(await listImages(cache)).toEqual([]);
  });

  it('pulls one image once when two pulls race (a lock file)', async () => {
    await pushAppImage(registry.url, 'team/race', 'v1');
    const cache = freshCache();
    const [a, b] = await Promise.all([pullImage(`${registry.host}/team/race:v1`, { cache, credentials: noCreds }), pullImage(`${registry.host}/team/race:v1`, { cache, credentials: noCreds })]);
    expect([a.manifestDigest === b.manifestDigest, [a.cached, b.cached].sort()]).toEqual([true, [false, true]]);
  });

  it('tries a mirror from the settings before the registry, which may be unreachable', async () => {
    const pushed = await pushAppImage(registry.url, 'team/mirrored', 'v1');
    const image = await pullImage('127.0.0.1:9/team/mirrored:v1', { cache: freshCache(), credentials: noCreds, settings: { mirrors: { '127.0.0.1:9': [registry.host] }, insecure: [] } });
    expect(image.manifestDigest).toBe(pushed.digest);
    await expect(pullImage('127.0.0.1:9/team/mirrored:v1', { cache: freshCache(), credentials: noCreds })).rejects.toMatchObject({ code: 'OCI_REGISTRY_UNREACHABLE' });
  });

  it('lists cached images and prunes those not used recently, with their blobs', async () => {
    await pushAppImage(registry.url, 'team/prune', 'v1');
    const cache = freshCache();
    const image = await pullImage(`${registry.host}/team/prune:v1`, { cache, credentials: noCreds });
    const listed = await listImages(cache);
    expect(listed.map((i) => [i.references, i.manifestDigest])).toEqual([[[`${registry.host}/team/prune:v1`], image.manifestDigest]]);
    expect((await planPrune(cache, new Date(Date.now() - 3_600_000))).images).toEqual([]);
    const plan = await planPrune(cache, new Date(Date.now() + 1000));
    await applyPrune(cache, plan);
    expect([await listImages(cache), readdirSync(join(cache, 'blobs', 'sha256'))]).toEqual([[], []]);
  });
});

describe('pullImage from a private repository behind token auth (distribution token protocol)', () => {
  let front: TokenAuthFront;
  beforeAll(async () => {
    await pushAppImage(registry.url, 'private/app', 'v1');
    await pushAppImage(registry.url, 'public/app', 'v1');
    front = await startTokenAuthFront({ upstream: registry.url, auth: { users: { alice: 's3cret' }, privateRepositories: ['private/app'] } });
  });
  afterAll(async () => {
    await front?.close();
  });

  it('pulls a public repository with an anonymous token', async () => {
    const image = await pullImage(`${front.host}/public/app:v1`, { cache: freshCache(), credentials: noCreds });
    expect(readFileSync(join(image.rootfs, 'app/kept'), 'utf8')).toBe('kept');
    expect(front.requests.some((r) => r.path === '/token')).toBe(true);
  });

  it('refuses the private repository without credentials, naming the image, the registry and what to do', async () => {
    const err = await pullImage(`${front.host}/private/app:v1`, { cache: freshCache(), credentials: noCreds }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OCI_PULL_DENIED', hint: expect.stringContaining('--images host') });
    expect((err as Error).message).toBe(`registry ${front.host} refused manifest v1 of ${front.host}/private/app:v1 (HTTP 401): not authorized`);
  });

  it('refuses wrong credentials at the token service', async () => {
    const creds = new Map([[front.host, { username: 'alice', password: 'wrong' }]]);
    await expect(pullImage(`${front.host}/private/app:v1`, { cache: freshCache(), credentials: creds })).rejects.toMatchObject({ code: 'OCI_AUTH_FAILED' });
  });

  it('pulls it with credentials from DOCKER_CONFIG, or from a docker-config Secret file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-docker-config-'));
    const auth = Buffer.from('alice:s3cret').toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [front.host]: { auth } } }));
    const fromConfig = await pullImage(`${front.host}/private/app:v1`, { cache: freshCache(), credentials: loadCredentials([], { DOCKER_CONFIG: dir }) });
    writeFileSync(join(dir, 'secret.dockerconfigjson'), JSON.stringify({ auths: { [`http://${front.host}/v2/`]: { auth } } }));
    const fromSecret = await pullImage(`${front.host}/private/app:v1`, { cache: freshCache(), credentials: loadCredentials([join(dir, 'secret.dockerconfigjson')], { DOCKER_CONFIG: join(dir, 'none') }) });
    expect(readFileSync(join(fromConfig.rootfs, 'app/kept'), 'utf8')).toBe('kept');
    expect(fromSecret.manifestDigest).toBe(fromConfig.manifestDigest);
    expect(front.requests.filter((r) => r.path.startsWith('/v2/private/') && r.status === 200).every((r) => r.user === 'alice')).toBe(true);
  });
});
