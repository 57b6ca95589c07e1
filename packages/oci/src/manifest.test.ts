import { describe, expect, it } from 'vitest';
import { layerCompression, MEDIA, parseManifest, selectPlatform } from './manifest.js';
import { parsePlatform, platformMatches } from './platform.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('parseManifest', () => {
  it('reads an OCI index and picks the wanted platform', () => {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          { mediaType: MEDIA.ociManifest, digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: MEDIA.ociManifest, digest: d('b'), size: 2, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    const index = parseManifest(body, undefined, 'x');
    if (index.kind !== 'index') throw new Error('expected an index');
    expect(selectPlatform(index, parsePlatform('linux/arm64'), 'x').digest).toBe(d('b'));
    expect(() => selectPlatform(index, parsePlatform('linux/s390x'), 'x')).toThrow(expect.objectContaining({ code: 'OCI_PLATFORM_MISSING' }));
  });

  it('reads a Docker v2 manifest whose media type is only in the Content-Type', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'c', digest: d('c'), size: 3 }, layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('e'), size: 4 }] }));
    const m = parseManifest(body, `${MEDIA.dockerManifest}; charset=utf-8`, 'x');
    expect(m).toMatchObject({ kind: 'manifest', mediaType: MEDIA.dockerManifest, layers: [{ digest: d('e'), size: 4 }] });
  });

  it('refuses schema 1 manifests', () => {
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined, 'x')).toThrow(expect.objectContaining({ code: 'OCI_MANIFEST_UNSUPPORTED' }));
  });
});

describe('layerCompression', () => {
  it('maps layer media types to gzip, zstd or none', () => {
    expect(['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.oci.image.layer.v1.tar'].map(layerCompression)).toEqual(['zstd', 'gzip', 'none']);
    expect(() => layerCompression('application/x-foo')).toThrow(expect.objectContaining({ code: 'OCI_LAYER_UNSUPPORTED' }));
  });
});

describe('platformMatches', () => {
  it('treats arm64 without variant as v8', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, parsePlatform('linux/arm64/v8'))).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm/v7'))).toBe(false);
  });
});
