import { describe, expect, it } from 'vitest';
import { formatReference, isLoopback, parseReference } from './reference.js';

describe('parseReference', () => {
  it('normalizes Docker Hub short names to library/ and latest', () => {
    expect(parseReference('busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox', tag: 'latest' });
    expect(parseReference('index.docker.io/tektoncd/pipeline:v1')).toEqual({ registry: 'docker.io', repository: 'tektoncd/pipeline', tag: 'v1' });
  });

  it('reads a registry with a port, a tag and a digest', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(`127.0.0.1:5000/team/app:1.2@${d}`)).toEqual({ registry: '127.0.0.1:5000', repository: 'team/app', tag: '1.2', digest: d });
    expect(parseReference(`ghcr.io/o/r@${d}`)).toEqual({ registry: 'ghcr.io', repository: 'o/r', digest: d });
    expect(parseReference('localhost/app')).toEqual({ registry: 'localhost', repository: 'app', tag: 'latest' });
  });

  it('refuses uppercase repositories and short digests with OCI_REFERENCE_INVALID', () => {
    expect(() => parseReference('Busybox')).toThrow(expect.objectContaining({ code: 'OCI_REFERENCE_INVALID' }));
    expect(() => parseReference('busybox@sha256:abc')).toThrow(expect.objectContaining({ code: 'OCI_REFERENCE_INVALID' }));
  });

  it('formats the normalized form', () => {
    expect(formatReference(parseReference('golang:1.23'))).toBe('docker.io/library/golang:1.23');
  });
});

describe('isLoopback', () => {
  it('knows loopback hosts with and without ports', () => {
    expect([isLoopback('127.0.0.1:5000'), isLoopback('localhost'), isLoopback('[::1]:80'), isLoopback('registry.lan:5000')]).toEqual([true, true, true, false]);
  });
});
